import type { Argv, CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';
import { withStateDir } from '../shared-options.js';

function builder(y: Argv) {
  return withStateDir(y);
}

/** The parsed flags of `batch`. */
export type BatchArgs = {
  readonly 'state-dir': string | undefined;
  readonly verbose: boolean;
  readonly config: string | undefined;
};

/** `batch`: the PostToolBatch (and SessionEnd) hook. Wiring only; the implementation loads on demand. */
export function createBatchCommand(context: CliContext): CommandModule<object, BatchArgs> {
  return {
    command: 'batch',
    describe: 'PostToolBatch hook: record each batch of sub-agent calls (also SessionEnd: delete the state)',
    builder: builder as unknown as CommandModule<object, BatchArgs>['builder'],
    handler: async (args) => {
      const { runBatch } = await import('./run-batch.js');
      await runBatch(args, context);
    },
  };
}
