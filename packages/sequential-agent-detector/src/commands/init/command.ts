import type { Argv, CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';

function builder(y: Argv) {
  return y
    .option('file', { type: 'string', requiresArg: true, describe: 'The CLAUDE.md to update (default ./CLAUDE.md)' })
    .option('check', { type: 'boolean', default: false, describe: 'Change nothing; exit 1 when the file is missing the section or it is out of date' });
}

/** The parsed flags of `init`. */
export type InitArgs = {
  readonly file: string | undefined;
  readonly check: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
};

/** `init`: add or update the CLAUDE.md rule. Wiring only; the implementation loads on demand. */
export function createInitCommand(context: CliContext): CommandModule<object, InitArgs> {
  return {
    command: 'init',
    describe: 'Add (or update between its markers) a "Parallel agent delegation" section in CLAUDE.md',
    builder: builder as unknown as CommandModule<object, InitArgs>['builder'],
    handler: async (args) => {
      const { runInit } = await import('./run-init.js');
      await runInit(args, context);
    },
  };
}
