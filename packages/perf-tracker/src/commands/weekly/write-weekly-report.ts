import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildPerfReport } from '../../report/build-perf-report.js';
import type { PerfReport } from '../../report/perf-report.js';
import { renderMarkdown } from '../../report/render-markdown.js';

/** Options for {@link writeWeeklyReport}. */
export interface WriteWeeklyReportOptions {
  /** The project; the report goes to `<project>/.claude/memory/reports/`. */
  readonly projectDir: string;
  /** The timing log. @default `<project>/.claude/memory/hook_performance.jsonl` */
  readonly logFile: string;
  /** The clock, epoch ms. @default Date.now() */
  readonly now?: number;
  /** Latency budget per hook at p95, ms. @default 100 */
  readonly budgetMs?: number;
}

/** What {@link writeWeeklyReport} wrote. */
export interface WriteWeeklyReportResult {
  /** The Markdown file. */
  readonly file: string;
  /** The ISO week, e.g. `2026-W48`. */
  readonly week: string;
  readonly report: PerfReport;
}

const DAY = 86_400_000;

/**
 * The ISO 8601 week of a UTC instant, e.g. `2026-W48`; the week-year can differ from the calendar
 * year around New Year (2026-12-31 is in 2026-W53, 2027-01-01 too).
 */
export function isoWeek(ms: number): string {
  const date = new Date(ms);
  const day = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The Thursday of this week decides the week-year.
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - day * DAY + 3 * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * Writes the weekly upkeep report, the last 7 days with the trend against the 7 before, to
 * `.claude/memory/reports/hook-performance-<ISO week>.md`. Running it again in the same week
 * rewrites the same file (atomically, so a reader never sees half a report).
 */
export async function writeWeeklyReport(options: WriteWeeklyReportOptions): Promise<WriteWeeklyReportResult> {
  const now = options.now ?? Date.now();
  const week = isoWeek(now);
  const report = await buildPerfReport({
    file: options.logFile,
    until: now,
    periodMs: 7 * DAY,
    ...(options.budgetMs === undefined ? {} : { budgetMs: options.budgetMs }),
  });
  const dir = path.join(options.projectDir, '.claude', 'memory', 'reports');
  const file = path.join(dir, `hook-performance-${week}.md`);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, renderMarkdown(report, { title: `Hook performance, week ${week}` }));
  await rename(tmp, file);
  return { file, week, report };
}
