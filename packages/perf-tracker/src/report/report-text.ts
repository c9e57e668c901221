import { formatChange, formatMs, formatShare } from './format-duration.js';
import type { EventRow, HookRow, PerfReport, ToolRow } from './perf-report.js';

/** Text shared by the table, Markdown and HTML renderers, so they say the same things. */

/** `2026-11-20 12:00 → 2026-11-27 12:00 UTC (7 days)`. */
export function describePeriod(report: PerfReport): string {
  const until = formatDate(report.period.until);
  if (report.period.since === null) return `all records up to ${until} UTC`;
  const days = (Date.parse(report.period.until) - Date.parse(report.period.since)) / 86_400_000;
  const length = days >= 1 ? `${Number(days.toFixed(1))} day${days === 1 ? '' : 's'}` : `${Number((days * 24).toFixed(1))} h`;
  return `${formatDate(report.period.since)} → ${until} UTC (${length})`;
}

/** What was read and skipped, e.g. `1,234 records from …; skipped 2 malformed lines`. */
export function describeInput(report: PerfReport): string {
  const { input } = report;
  if (!input.exists) return `No timing log at ${input.file} yet.`;
  const skipped = [
    count(input.malformed, 'malformed line'),
    count(input.unknownVersion, 'record of an unknown version', 'records of an unknown version'),
    count(input.invalid, 'invalid record'),
    count(input.duplicates, 'duplicate import'),
  ].filter((s) => s !== '');
  const filters = [report.filters.event && `event ${report.filters.event}`, report.filters.hook && `hook ${report.filters.hook}`].filter(Boolean);
  return (
    `${input.records.toLocaleString('en')} record${input.records === 1 ? '' : 's'} in the period` +
    (filters.length > 0 ? ` (${filters.join(', ')})` : '') +
    `, ${input.previousRecords.toLocaleString('en')} in the previous one, from ${input.file} (${input.lines.toLocaleString('en')} lines)` +
    (skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : '') +
    '.'
  );
}

/** The hint shown instead of empty tables. */
export function emptyHint(report: PerfReport): string {
  return report.input.exists
    ? 'No timing records in this period.'
    : 'Record hooks with `perf-tracker wrap -- <command>` and tools with `perf-tracker record`, or import transcripts with `perf-tracker import ~/.claude/projects/<project>`.';
}

/** Column headings of the hook table. */
export const HOOK_COLUMNS = ['Event', 'Hook', 'Runs', 'p50', 'p95', 'p99', 'Max', 'Total', 'Fail', 'Timeout', 'Blocked', 'Share', 'Critical', 'p95 trend'] as const;

/** One hook row as cells. */
export function hookCells(h: HookRow): string[] {
  return [
    h.event,
    h.hook,
    h.count.toLocaleString('en'),
    formatMs(h.p50),
    formatMs(h.p95),
    formatMs(h.p99),
    formatMs(h.max),
    formatMs(h.total),
    String(h.failures),
    String(h.timeouts),
    String(h.blocked),
    formatShare(h.share),
    formatShare(h.critical),
    h.previous === undefined ? 'new' : `${formatChange(h.p95Change)} (was ${formatMs(h.previous.p95)})`,
  ];
}

/** Column headings of the tool table. */
export const TOOL_COLUMNS = ['Tool', 'Calls', 'p50', 'p95', 'p99', 'Max', 'Total', 'Failed', 'p95 trend'] as const;

/** One tool row as cells. */
export function toolCells(t: ToolRow): string[] {
  return [
    t.tool,
    t.count.toLocaleString('en'),
    formatMs(t.p50),
    formatMs(t.p95),
    formatMs(t.p99),
    formatMs(t.max),
    formatMs(t.total),
    String(t.failures),
    t.previous === undefined ? 'new' : `${formatChange(t.p95Change)} (was ${formatMs(t.previous.p95)})`,
  ];
}

/** Column headings of the per-event table. */
export const EVENT_COLUMNS = ['Event', 'Firings', 'Wall p50', 'Wall p95', 'Hook time', 'Critical path (share of firings, mean wall)'] as const;

/** One event row as cells; the critical paths joined with `separator`. */
export function eventCells(e: EventRow, separator: string): string[] {
  return [
    e.event,
    e.firings.toLocaleString('en'),
    formatMs(e.wall.p50),
    formatMs(e.wall.p95),
    formatMs(e.hookTime),
    e.criticalPaths
      .map((p) => `${p.hooks.join(' → ')} (${formatShare(e.firings === 0 ? 0 : p.firings / e.firings)}, ${formatMs(p.meanWall)})`)
      .join(separator),
  ];
}

function formatDate(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

function count(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? '' : `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
