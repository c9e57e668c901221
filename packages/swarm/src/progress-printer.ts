import type { Colors } from '@whitebox/core';
import { formatDuration } from '@whitebox/parallel-core';
import type { BatchProgress } from './batch/run-swarm-batch.js';
import type { SwarmProgress } from './run-swarm.js';

/** A stream progress is drawn on. */
export interface ProgressOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options for {@link startProgressPrinter}. */
export interface ProgressPrinterOptions<P> {
  /** Where to draw; stderr in the CLI. */
  readonly stream: ProgressOutput;
  /** The current progress, read on every redraw. */
  readonly source: () => P;
  /** Renders one line. */
  readonly format: (progress: P, bar: boolean) => string;
  /** `bar`: a line redrawn in place (terminals); `lines`: a plain line every `intervalMs` (logs, pipes); `off`: nothing. */
  readonly mode: 'bar' | 'lines' | 'off';
  /** Milliseconds between plain lines. @default 10000 */
  readonly intervalMs?: number | undefined;
}

/** A running progress display. */
export interface ProgressPrinter {
  /** Prints a message on its own line (above the bar). */
  say(line: string): void;
  /** Draws the last state and stops redrawing. */
  stop(): void;
}

const BAR_REDRAW_MS = 100;
const BAR_WIDTH = 20;
const CLEAR_LINE = '\r\x1b[2K';
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

function usd(value: number): string {
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

function rate(perSecond: number): string {
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

/**
 * One progress line of a live run: done, failed, in flight, rate, ETA and spend, with a bar when
 * drawn on a terminal.
 *
 * @example
 * formatSwarmProgress(progress, colors, true);
 * // "swarm ████████░░░░░░░░░░░░  40% 800/2000 | 2 failed | 50 in flight | 198/s | ETA 6s | $0.0123"
 */
export function formatSwarmProgress(progress: SwarmProgress, c: Colors, bar: boolean): string {
  const finished = progress.done + progress.failed;
  const parts: string[] = [];
  const pending = progress.pending;
  if (pending !== undefined) {
    const ratio = pending === 0 ? 1 : Math.min(1, finished / pending);
    const head = `${String(Math.floor(ratio * 100)).padStart(3)}% ${finished}/${pending}`;
    if (bar) {
      const filled = Math.round(ratio * BAR_WIDTH);
      parts.push(`${c.bold('swarm')} ${c.cyan('█'.repeat(filled))}${c.dim('░'.repeat(BAR_WIDTH - filled))} ${head}`);
    } else {
      parts.push(`swarm: ${head} finished`);
    }
  } else {
    parts.push(`${bar ? c.bold('swarm') : 'swarm:'} ${finished} finished`);
  }
  parts.push(progress.failed > 0 ? c.red(`${progress.failed} failed`) : '0 failed');
  parts.push(`${progress.inFlight} in flight`);
  parts.push(rate(progress.ratePerSecond));
  parts.push(pending !== undefined && finished >= pending ? formatDuration(progress.elapsedMs) : `ETA ${progress.etaMs === undefined ? '?' : formatDuration(progress.etaMs)}`);
  parts.push(usd(progress.spentUsd + progress.priorSpentUsd));
  if (progress.rateLimit.cooldownUntil > 0) parts.push(c.yellow('cooling down after a 429'));
  else if (progress.rateLimit.waiting > 0) parts.push(c.dim(`${progress.rateLimit.waiting} waiting for the rate limit`));
  if (progress.stopping !== undefined && progress.stopping !== 'completed') parts.push(c.yellow(`stopping (${progress.stopping})`));
  return parts.join(' | ');
}

/** One progress line of a Batch API run: requests finished over all batches and each batch's status. */
export function formatBatchProgress(progress: BatchProgress, c: Colors, bar: boolean): string {
  const statuses = new Map<string, number>();
  for (const batch of progress.batches) statuses.set(batch.status, (statuses.get(batch.status) ?? 0) + 1);
  const summary = [...statuses].map(([status, count]) => `${count} ${status}`).join(', ');
  const failed = progress.batches.reduce((sum, batch) => sum + batch.failed, 0);
  const ratio = progress.total === 0 ? 0 : Math.min(1, progress.finished / progress.total);
  const head = `${String(Math.floor(ratio * 100)).padStart(3)}% ${progress.finished}/${progress.total} requests`;
  const filled = Math.round(ratio * BAR_WIDTH);
  const lead = bar ? `${c.bold('swarm batch')} ${c.cyan('█'.repeat(filled))}${c.dim('░'.repeat(BAR_WIDTH - filled))} ${head}` : `swarm batch: ${head}`;
  return [lead, failed > 0 ? c.red(`${failed} failed`) : '0 failed', `${progress.batches.length} batches (${summary || 'none'})`, formatDuration(progress.elapsedMs)].join(' | ');
}

/**
 * Draws progress on `stream`: a bar redrawn in place ten times a second on a terminal, a plain
 * line every `intervalMs` elsewhere, or nothing. The timers are unref'd, so they never keep the
 * process alive.
 */
export function startProgressPrinter<P>(options: ProgressPrinterOptions<P>): ProgressPrinter {
  const { stream, source, format, mode } = options;
  if (mode === 'off') return { say: () => undefined, stop: () => undefined };
  const bar = mode === 'bar';
  let drawn = false;
  const draw = (): void => {
    const line = format(source(), bar);
    if (bar) {
      const width = stream.columns ?? 0;
      // A line wider than the terminal wraps, and `\r` then redraws only its last row.
      const plain = line.replace(ANSI, '');
      stream.write(`${CLEAR_LINE}${width > 0 && plain.length >= width ? plain.slice(0, width - 1) : line}`);
      drawn = true;
    } else {
      stream.write(`${line}\n`);
    }
  };
  const timer = setInterval(draw, bar ? BAR_REDRAW_MS : (options.intervalMs ?? 10_000));
  timer.unref();
  if (bar) draw();
  let stopped = false;
  return {
    say(line) {
      if (bar && drawn) stream.write(CLEAR_LINE);
      stream.write(`${line}\n`);
      if (bar && !stopped) draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (bar) {
        draw();
        stream.write('\n');
      }
    },
  };
}
