import path from 'node:path';
import type { LineCount, LineCountPrecision } from './count-lines.js';

/**
 * Writes an integer with thousands separators, `12345` → `12,345`. Not `toLocaleString`: its
 * first call loads ICU data, about 15 ms of the hook's budget.
 */
export function groupDigits(value: number): string {
  const [whole = '', fraction] = String(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Formats a byte count the way the messages show it: `812 B`, `118 KB`, `4.2 MB` (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${trim(bytes / 1000)} KB`;
  if (bytes < 1_000_000_000) return `${trim(bytes / 1_000_000)} MB`;
  return `${trim(bytes / 1_000_000_000)} GB`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
}

/** Formats a line count with its precision: `3,412 lines`, or `about 52,000 lines` for an estimate. */
export function formatLineCount(lines: number, precision: LineCountPrecision): string {
  const unit = lines === 1 ? 'line' : 'lines';
  if (precision === 'estimate') return `about ${groupDigits(roundToTwoDigits(lines))} ${unit}`;
  return `${groupDigits(lines)} ${unit}`;
}

function roundToTwoDigits(value: number): number {
  if (value < 100) return value;
  const scale = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.round(value / scale) * scale;
}

/** What {@link renderOffloadAdvice} needs to know about the read. */
export interface OffloadAdviceInput {
  /** The path as the Read call gave it, shown to the model. */
  readonly shownPath: string;
  /** The absolute path, used in the paste-ready prompt so the sub-agent finds the file from any cwd. */
  readonly absolutePath: string;
  readonly size: Pick<LineCount, 'bytes' | 'lines' | 'precision'>;
  /** The summary budget asked of the sub-agent. */
  readonly maxSummaryLines: number;
  /** The sub-agent type to name. */
  readonly subagentType: string;
  /** `deny` phrases the text as a deny reason, `suggest` as context next to an allowed read. */
  readonly action: 'suggest' | 'deny';
}

/**
 * The text the hook gives the model: why this read is costly, one paste-ready `Agent` call that
 * returns a bounded summary, the ONE-message rule for several files, and the offset/limit way out.
 * It stays a few hundred characters so it never crowds the context it is trying to save.
 */
export function renderOffloadAdvice(input: OffloadAdviceInput): string {
  const size = `${formatLineCount(input.size.lines, input.size.precision)}, ${formatBytes(input.size.bytes)}`;
  const prompt =
    `Read ${input.absolutePath} and reply with a summary of at most ${input.maxSummaryLines} lines: ` +
    'its purpose, its main parts with line numbers, and what matters for <your goal>. Do not paste its code.';
  const call =
    `Agent({ subagent_type: ${JSON.stringify(input.subagentType)}, ` +
    `description: ${JSON.stringify(`Summarise ${path.basename(input.absolutePath)}`)}, prompt: ${JSON.stringify(prompt)} })`;
  const head =
    input.action === 'deny'
      ? `agent-offload (strict mode) denied this Read: ${input.shownPath} is large (${size}) and no offset or limit was given.`
      : `agent-offload: ${input.shownPath} is large (${size}) and this Read has no offset or limit, so all of it enters your context.`;
  return [
    head,
    'Unless you need its exact text, delegate the reading to a sub-agent that returns a summary:',
    call,
    'For several large files, make one Agent call per file or group, all in ONE message, so they run in parallel.',
    input.action === 'deny'
      ? 'To read exact lines, re-issue the Read with offset and limit.'
      : 'To read exact lines, pass offset and limit.',
  ].join('\n');
}
