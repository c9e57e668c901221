import type { Argv, CommandModule } from 'yargs';
import { CommandExit } from '@whitebox/core';

/** `perf-tracker record`: the yargs entry serves `--help`; hooks take the lean path (`hook-fast-path.ts`). */
export function recordCommand(rawArgs: readonly string[]): CommandModule {
  return {
    command: 'record',
    describe: 'Hook for PreToolUse, PostToolUse and PostToolUseFailure: record tool latency (prints nothing, exits 0)',
    builder: (y: Argv) =>
      y
        .option('log', { type: 'string', requiresArg: true, describe: 'Timing log (default: <project>/.claude/memory/hook_performance.jsonl)' })
        .option('project-dir', { type: 'string', requiresArg: true, describe: 'Project whose log to use (default: $CLAUDE_PROJECT_DIR, then cwd)' }),
    handler: async () => {
      const { recordMain } = await import('./record-main.js');
      throw new CommandExit(await recordMain(rawArgs.slice(rawArgs.indexOf('record') + 1)));
    },
  };
}
