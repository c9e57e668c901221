import path from 'node:path';
import { UsageError } from '@whitebox/core';
import { resolvePerfLog } from '../../hook-runtime/resolve-perf-log.js';
import { parseNow } from '../../report/parse-duration-spec.js';
import type { WeeklyArgs } from './command.js';
import { writeWeeklyReport } from './write-weekly-report.js';

/** `perf-tracker weekly`: write the report and print its path. */
export async function runWeekly(args: WeeklyArgs): Promise<void> {
  if (!(args.budget > 0)) throw new UsageError(`--budget must be a positive number of milliseconds, got ${String(args.budget)}`);
  const projectDir = path.resolve(args.projectDir || process.env['CLAUDE_PROJECT_DIR'] || process.cwd());
  const result = await writeWeeklyReport({
    projectDir,
    logFile: resolvePerfLog({ log: args.log, projectDir }),
    now: parseNow(args.now),
    budgetMs: args.budget,
  });
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ file: result.file, week: result.week, suggestions: result.report.suggestions.length }, null, 2)}\n`);
  } else {
    process.stdout.write(`${result.file}\n`);
  }
}
