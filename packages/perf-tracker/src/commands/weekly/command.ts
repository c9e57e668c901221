import type { Argv, CommandModule } from 'yargs';
import { withJson } from '@whitebox/core';
import { withLogOptions } from '../../log-options.js';

function builder(y: Argv) {
  return withLogOptions(withJson(y))
    .option('budget', { type: 'number', default: 100, describe: 'Latency budget per hook at p95, ms' })
    .option('now', { type: 'string', requiresArg: true, describe: 'Write the report as of this ISO time instead of now' });
}

/** The flags of `perf-tracker weekly`, as yargs parses them. */
export type WeeklyArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `perf-tracker weekly`: wiring only. */
export const weeklyCommand: CommandModule<object, WeeklyArgs> = {
  command: 'weekly',
  describe: 'Write .claude/memory/reports/hook-performance-<ISO week>.md (rewritten within the week)',
  builder,
  handler: async (args) => {
    const { runWeekly } = await import('./weekly.js');
    await runWeekly(args);
  },
};
