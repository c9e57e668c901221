import type { Argv, CommandModule } from 'yargs';
import type { CliContext } from '@whitebox/core';

function builder(y: Argv) {
  return y.positional('transcript', { type: 'string', demandOption: true, describe: 'A transcript written by council --json or --out' });
}

/** The parsed flags of `council replay`. */
export type ReplayArgs = ReturnType<typeof builder> extends Argv<infer T> ? T & { readonly json: boolean; readonly quiet: boolean } : never;

/** `council replay <transcript>`: wiring only; the implementation loads on demand. */
export function createReplayCommand(context: CliContext): CommandModule<object, ReplayArgs> {
  return {
    command: 'replay <transcript>',
    describe: 'Re-run aggregation and convergence over a transcript, offline, and check the verdict',
    builder: builder as unknown as CommandModule<object, ReplayArgs>['builder'],
    handler: async (args) => {
      const { runReplay } = await import('./run-replay.js');
      await runReplay(args, context);
    },
  };
}
