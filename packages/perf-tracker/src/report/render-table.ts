import Table from 'cli-table3';
import type { Colors } from '@whitebox/core';
import type { PerfReport } from './perf-report.js';
import {
  EVENT_COLUMNS,
  HOOK_COLUMNS,
  TOOL_COLUMNS,
  describeInput,
  describePeriod,
  emptyHint,
  eventCells,
  hookCells,
  toolCells,
} from './report-text.js';

/** Options for {@link renderTable}. */
export interface RenderTableOptions {
  /** Colour functions; pass `createColors(process.stdout)` so pipes and NO_COLOR stay plain. */
  readonly colors?: Colors;
}

const plain = (text: string): string => text;

/** The report as terminal tables: hooks, tools, per-event critical paths, then suggestions. */
export function renderTable(report: PerfReport, options: RenderTableOptions = {}): string {
  const bold = options.colors?.bold ?? plain;
  const dim = options.colors?.dim ?? plain;
  const yellow = options.colors?.yellow ?? plain;
  const red = options.colors?.red ?? plain;
  const lines: string[] = [bold(`Hook performance, ${describePeriod(report)}`), dim(describeInput(report))];
  if (report.hooks.length === 0 && report.tools.length === 0) {
    lines.push('', emptyHint(report));
    return `${lines.join('\n')}\n`;
  }
  const table = (head: readonly string[], textColumns: readonly number[]) =>
    new Table({
      head: [...head],
      colAligns: head.map((_, i) => (textColumns.includes(i) ? 'left' : 'right')),
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });

  if (report.hooks.length > 0) {
    const hooks = table(HOOK_COLUMNS, [0, 1, HOOK_COLUMNS.length - 1]);
    for (const h of report.hooks) {
      const cells = hookCells(h);
      if (h.p95 > report.budgetMs) cells[4] = yellow(cells[4]!);
      hooks.push(cells);
    }
    lines.push('', bold(`Hooks, slowest first (budget ${report.budgetMs} ms at p95)`), hooks.toString());
  }
  if (report.tools.length > 0) {
    const tools = table(TOOL_COLUMNS, [0, TOOL_COLUMNS.length - 1]);
    for (const t of report.tools) tools.push(toolCells(t));
    lines.push('', bold('Tools'), tools.toString());
  }
  if (report.events.length > 0) {
    const events = table(EVENT_COLUMNS, [0, EVENT_COLUMNS.length - 1]);
    for (const e of report.events) events.push(eventCells(e, '\n'));
    lines.push('', bold('Per event: wall time and critical path'), events.toString());
  }
  lines.push('', bold('Suggestions'));
  if (report.suggestions.length === 0) lines.push('  None: every hook is within budget.');
  for (const [i, s] of report.suggestions.entries()) {
    const tag = s.severity === 'high' ? red(`[${s.severity}]`) : s.severity === 'medium' ? yellow(`[${s.severity}]`) : dim(`[${s.severity}]`);
    lines.push(`  ${i + 1}. ${tag} ${s.message}`, `     ${dim(`evidence: ${s.evidence}`)}`);
  }
  return `${lines.join('\n')}\n`;
}
