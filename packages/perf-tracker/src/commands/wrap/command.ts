import type { Argv, CommandModule } from 'yargs';
import { CommandExit } from '@whitebox/core';

/**
 * `perf-tracker wrap`: the yargs entry serves `--help` and programmatic use; real hook runs take
 * the lean path in `hook-fast-path.ts`. Both run `wrapMain` on the raw arguments after `wrap`.
 */
export function wrapCommand(rawArgs: readonly string[]): CommandModule {
  return {
    command: 'wrap [command..]',
    describe: 'Run a hook command unchanged and record how long it took',
    builder: (y: Argv) =>
      y
        .positional('command', { type: 'string', array: true, describe: 'The hook command, after --' })
        .option('id', { type: 'string', requiresArg: true, describe: 'Hook id to record (default: cmd:<hash of the command>)' })
        .option('event', { type: 'string', requiresArg: true, describe: 'Event to record when stdin does not name one' })
        .option('log', { type: 'string', requiresArg: true, describe: 'Timing log (default: <project>/.claude/memory/hook_performance.jsonl)' })
        .option('project-dir', { type: 'string', requiresArg: true, describe: 'Project whose log to use (default: $CLAUDE_PROJECT_DIR, then cwd)' })
        .example('$0 wrap --id lint -- node .claude/hooks/lint.js', 'time the lint hook'),
    handler: async () => {
      const { wrapMain } = await import('./wrap.js');
      throw new CommandExit(await wrapMain(rawArgs.slice(rawArgs.indexOf('wrap') + 1)));
    },
  };
}
