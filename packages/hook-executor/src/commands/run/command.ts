import type { CommandModule } from 'yargs';
import { CommandExit } from '@whitebox/core';
import type { CommonOptions } from '@whitebox/core';

interface RunArgs extends CommonOptions {
  readonly event: string;
  readonly 'project-dir': string | undefined;
  readonly forward: boolean;
}

/** `hook-executor run --event <Event>`. */
export const runCommand: CommandModule<CommonOptions, RunArgs> = {
  command: 'run',
  describe: 'Run one event\'s hooks as a single Claude Code command hook (reads the hook input on stdin)',
  builder: (yargs) =>
    yargs
      .option('event', { type: 'string', demandOption: true, requiresArg: true, describe: 'The hook event this entry is registered under' })
      .option('project-dir', { type: 'string', requiresArg: true, describe: 'Project directory (default: $CLAUDE_PROJECT_DIR, else the current directory)' })
      .option('forward', { type: 'boolean', default: true, describe: 'Forward to a running `hook-executor serve` (--no-forward: always run here)' }),
  handler: async (args) => {
    const { runHookEvent } = await import('./run-hook-event.js');
    const code = await runHookEvent({ event: args.event, config: args.config, projectDir: args['project-dir'], forward: args.forward });
    if (code !== 0) throw new CommandExit(code);
  },
};
