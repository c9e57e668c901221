import type { Argv, CommandModule } from 'yargs';
import { withJson, withQuiet } from '@whitebox/core';
import { withLogOptions } from '../../log-options.js';

/** Report formats. */
export const REPORT_FORMATS = ['table', 'json', 'md', 'html'] as const;

function builder(y: Argv) {
  return withLogOptions(withQuiet(withJson(y)))
    .option('since', { type: 'string', default: '7d', describe: 'Period to report on, ending now: 7d, 36h, 2w, or all' })
    .option('event', { type: 'string', requiresArg: true, describe: 'Only this event, e.g. PreToolUse' })
    .option('hook', { type: 'string', requiresArg: true, describe: 'Only this hook id' })
    .option('format', { choices: REPORT_FORMATS, default: 'table' as const, describe: 'Output format (--json is --format json)' })
    .option('out', { type: 'string', requiresArg: true, describe: 'Write the report to this file instead of stdout' })
    .option('budget', { type: 'number', default: 100, describe: 'Latency budget per hook at p95, ms' })
    .option('now', { type: 'string', requiresArg: true, describe: 'Report as of this ISO time instead of now' });
}

/** The flags of `perf-tracker report`, as yargs parses them. */
export type ReportArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `perf-tracker report`: wiring only. */
export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'Percentiles per hook and tool, trend, critical paths and suggestions',
  builder,
  handler: async (args) => {
    const { runReport } = await import('./report.js');
    await runReport(args);
  },
};
