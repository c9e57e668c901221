import type { Argv, CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';

function builder(y: Argv) {
  return y.positional('results', { type: 'string', demandOption: true, describe: 'The results JSONL of `swarm run`' });
}

/** The parsed flags of `swarm status`. */
export type StatusArgs = ReturnType<typeof builder> extends Argv<infer T> ? T & { readonly json: boolean; readonly quiet: boolean } : never;

/** `swarm status <results>`: wiring only; the implementation loads on demand. */
export function createStatusCommand(context: CliContext): CommandModule<object, StatusArgs> {
  return {
    command: 'status <results>',
    describe: 'Counts, failures by reason, spend and latency percentiles of a results file',
    builder: builder as unknown as CommandModule<object, StatusArgs>['builder'],
    handler: async (args) => {
      const { status } = await import('./status.js');
      await status(args, context);
    },
  };
}
