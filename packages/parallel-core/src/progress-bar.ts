import { createColors } from '@whitebox/core';
import type { Colors } from '@whitebox/core';
import cliProgress from 'cli-progress';

/** Where a progress bar is drawn: a writable stream that may be a terminal. */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** The label in front of the bar. */
  readonly desc?: string | undefined;
  /** How many items there are, when known; without it the line shows a count and a rate but no bar or ETA. */
  readonly total?: number | undefined;
  /**
   * Where to draw. Nothing is drawn unless `stream.isTTY` is true, so logs and pipes stay clean.
   * @default process.stderr
   */
  readonly stream?: ProgressStream | undefined;
  /**
   * The environment consulted for `NO_COLOR` / `FORCE_COLOR`.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** A live progress line; see {@link createProgressBar}. */
export interface ProgressBar {
  /** Records that `done` items have finished, `failed` of them with an error. */
  update(done: number, failed: number): void;
  /** Draws the final state, moves to the next line and releases the redraw timer. */
  stop(): void;
}

/** What one progress line shows; see {@link formatProgressLine}. */
export interface ProgressLineState {
  readonly desc?: string | undefined;
  readonly done: number;
  readonly total?: number | undefined;
  readonly failed: number;
  readonly elapsedMs: number;
  /** Seconds left, as estimated from the recent rate; anything but a finite number shows as `?`. */
  readonly etaSeconds?: number | string | undefined;
}

const BAR_WIDTH = 20;

/**
 * Formats a duration as `850ms`, `12s`, `3m05s` or `1h02m`: short enough for a status line.
 *
 * @param ms - The duration in milliseconds.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function formatRate(done: number, elapsedMs: number): string {
  if (elapsedMs <= 0) return '–/s';
  const rate = (done * 1000) / elapsedMs;
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`;
}

/**
 * Renders one progress line: label, bar, percentage, count, rate, ETA and failures. Pure, so the
 * wording is testable without a terminal.
 *
 * @example
 * formatProgressLine({ desc: 'lint', done: 5, total: 10, failed: 0, elapsedMs: 2000, etaSeconds: 2 }, colors);
 * // "lint ██████████░░░░░░░░░░  50% 5/10 | 2.5/s | ETA 2s"
 */
export function formatProgressLine(state: ProgressLineState, colors: Colors): string {
  const parts: string[] = [];
  if (state.desc) parts.push(colors.bold(state.desc));
  const total = state.total;
  if (total !== undefined) {
    const ratio = total === 0 ? 1 : Math.min(1, state.done / total);
    const filled = Math.round(ratio * BAR_WIDTH);
    parts.push(
      `${colors.cyan('█'.repeat(filled))}${colors.dim('░'.repeat(BAR_WIDTH - filled))}`,
      `${String(Math.floor(ratio * 100)).padStart(3)}%`,
      `${state.done}/${total}`,
    );
  } else {
    parts.push(`${state.done} done`);
  }
  let line = parts.join(' ');
  line += ` | ${formatRate(state.done, state.elapsedMs)}`;
  if (total !== undefined) {
    const eta = state.etaSeconds;
    line += state.done >= total ? ` | ${formatDuration(state.elapsedMs)}` : ` | ETA ${typeof eta === 'number' ? formatDuration(eta * 1000) : '?'}`;
  } else {
    line += ` | ${formatDuration(state.elapsedMs)}`;
  }
  if (state.failed > 0) line += ` | ${colors.red(`${state.failed} failed`)}`;
  return line;
}

interface BarPayload {
  failed: number;
}

/**
 * Starts a progress line on `stream` (stderr by default) drawn with cli-progress, which throttles
 * redraws to 10 per second. Colour follows core's `createColors` (TTY only, never under NO_COLOR).
 *
 * @returns The bar, or `undefined` when the stream is not a terminal: a bar in a log file or pipe is noise.
 *
 * @example
 * const bar = createProgressBar({ desc: 'Checking', total: files.length });
 * bar?.update(1, 0);
 * bar?.stop();
 */
export function createProgressBar(options: ProgressBarOptions = {}): ProgressBar | undefined {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return undefined;
  const colors = createColors(stream, options.env);
  const { desc, total } = options;

  const bar = new cliProgress.SingleBar({
    stream,
    // The default installs SIGINT/SIGTERM listeners, which would stop Ctrl-C from ending the process.
    gracefulExit: false,
    hideCursor: false,
    format: (_options, params, payload: BarPayload) =>
      formatProgressLine(
        {
          desc,
          done: params.value,
          total,
          failed: payload.failed,
          elapsedMs: (params.stopTime ?? Date.now()) - params.startTime,
          etaSeconds: params.eta,
        },
        colors,
      ),
  });
  const payload: BarPayload = { failed: 0 };
  bar.start(total ?? 0, 0, payload);

  let lastFailed = 0;
  return {
    update(done, failed) {
      if (failed === lastFailed) {
        bar.update(done);
      } else {
        lastFailed = failed;
        bar.update(done, { failed });
      }
    },
    stop() {
      bar.stop();
    },
  };
}
