import type { Argv, CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';

function builder(y: Argv) {
  return y.option('threshold', { type: 'number', requiresArg: true, describe: 'Score at which a prompt counts as several independent tasks (default 2)' });
}

/** The parsed flags of `remind`. */
export type RemindArgs = {
  readonly threshold: number | undefined;
  readonly verbose: boolean;
  readonly config: string | undefined;
};

/** `remind`: the UserPromptSubmit hook. Wiring only; the implementation loads on demand. */
export function createRemindCommand(context: CliContext): CommandModule<object, RemindArgs> {
  return {
    command: 'remind',
    describe: 'UserPromptSubmit hook: remind the agent to delegate in parallel when the prompt has several independent parts',
    builder: builder as unknown as CommandModule<object, RemindArgs>['builder'],
    handler: async (args) => {
      const { runRemind } = await import('./run-remind.js');
      await runRemind(args, context);
    },
  };
}
