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

/** Options for {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** The first heading. @default 'Hook performance' */
  readonly title?: string;
}

/** The report as GitHub-flavoured Markdown, as the weekly report stores it. */
export function renderMarkdown(report: PerfReport, options: RenderMarkdownOptions = {}): string {
  const out: string[] = [`# ${options.title ?? 'Hook performance'}`, '', `${describePeriod(report)}. ${describeInput(report)}`, ''];
  if (report.hooks.length === 0 && report.tools.length === 0) {
    out.push(emptyHint(report), '');
    return out.join('\n');
  }
  if (report.hooks.length > 0) {
    out.push(`## Hooks, slowest first (budget ${report.budgetMs} ms at p95)`, '', ...markdownTable(HOOK_COLUMNS, report.hooks.map(hookCells)), '');
  }
  if (report.tools.length > 0) out.push('## Tools', '', ...markdownTable(TOOL_COLUMNS, report.tools.map(toolCells)), '');
  if (report.events.length > 0) {
    out.push('## Per event: wall time and critical path', '', ...markdownTable(EVENT_COLUMNS, report.events.map((e) => eventCells(e, '<br>'))), '');
  }
  out.push('## Suggestions', '');
  if (report.suggestions.length === 0) out.push('None: every hook is within budget.');
  for (const s of report.suggestions) out.push(`- **${s.severity}**: ${escapeInline(s.message)}  `, `  _Evidence:_ ${escapeInline(s.evidence)}`);
  out.push('');
  return out.join('\n');
}

function markdownTable(head: readonly string[], rows: readonly string[][]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(head), `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map(line)];
}

function escapeCell(text: string): string {
  return escapeInline(text).replaceAll('|', '\\|').replaceAll('\n', '<br>').replaceAll('&lt;br&gt;', '<br>');
}

function escapeInline(text: string): string {
  return text.replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
