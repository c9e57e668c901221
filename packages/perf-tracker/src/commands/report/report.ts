import { writeFile } from 'node:fs/promises';
import { createColors, UsageError } from '@whitebox/core';
import { resolvePerfLog } from '../../hook-runtime/resolve-perf-log.js';
import { buildPerfReport } from '../../report/build-perf-report.js';
import { parseNow, parseSince } from '../../report/parse-duration-spec.js';
import type { PerfReport } from '../../report/perf-report.js';
import { renderHtml } from '../../report/render-html.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { renderTable } from '../../report/render-table.js';
import type { ReportArgs } from './command.js';

/** Renders a report in one of the CLI's formats. */
export async function renderReport(report: PerfReport, format: 'table' | 'json' | 'md' | 'html', color: boolean): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    default:
      return renderTable(report, color ? { colors: createColors(process.stdout) } : {});
  }
}

/** `perf-tracker report`: stream the log, print or write the report. */
export async function runReport(args: ReportArgs): Promise<void> {
  if (!(args.budget > 0)) throw new UsageError(`--budget must be a positive number of milliseconds, got ${String(args.budget)}`);
  const file = resolvePerfLog({ log: args.log, projectDir: args.projectDir });
  const report = await buildPerfReport({
    file,
    until: parseNow(args.now),
    periodMs: parseSince(args.since),
    event: args.event,
    hook: args.hook,
    budgetMs: args.budget,
  });
  const text = await renderReport(report, args.json ? 'json' : args.format, args.out === undefined);
  if (args.out === undefined) {
    process.stdout.write(text);
    return;
  }
  await writeFile(args.out, text);
  if (!args.quiet) process.stderr.write(`wrote ${args.out}\n`);
}
