import { AbortedError, abortableSleep } from '@whitebox/core';
import { describeValue } from './describe-value.js';
import { createProgressBar } from './progress-bar.js';
import type { ProgressBar, ProgressStream } from './progress-bar.js';
import { computeBackoffDelay, resolveRetryPolicy } from './retry-policy.js';
import type { RetryOptions, RetryPolicy } from './retry-policy.js';
import { TimeoutError } from './timeout-error.js';

/** The default and `'auto'` cap on concurrent calls, lowered to the item count when that is known. */
export const DEFAULT_MAX_WORKERS = 50;

// setTimeout fires at once for delays above 2^31 - 1 ms, so longer limits mean "no limit".
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The second argument of every call `runParallel` makes. */
export interface RunParallelContext {
  /** The item's position in the input, from 0. */
  readonly index: number;
  /**
   * Aborts when the call should stop: its `timeout` passed (reason: a {@link TimeoutError}),
   * another item failed under `failFast` (reason: an `AbortedError` whose `cause` is that failure),
   * or the caller's `signal` aborted (reason: that signal's reason). Pass it on to `fetch`, child
   * processes and the like, or the work keeps running after `runParallel` has given up on it.
   */
  readonly signal: AbortSignal;
  /** Which attempt this is, from 1; above 1 only with `retries`. */
  readonly attempt: number;
}

/** The function `runParallel` applies to each item. */
export type RunParallelFn<T, R> = (item: T, context: RunParallelContext) => R | PromiseLike<R>;

/** A snapshot handed to `onProgress` each time an item finishes. */
export interface RunParallelProgress {
  /** Items finished, successfully or not. Retries do not count: an item counts once, when it is done. */
  readonly done: number;
  /** How many items there are, when the input has a known size (array, Set, Map). */
  readonly total: number | undefined;
  /** Items that finished with an error or a timeout. */
  readonly failed: number;
  /** Calls running right now, including those waiting out a retry backoff. */
  readonly inFlight: number;
  /** Milliseconds since `runParallel` started. */
  readonly elapsedMs: number;
}

/** One item's outcome in settled mode (`failFast: false`) that succeeded. */
export interface RunParallelFulfilled<R> {
  readonly status: 'fulfilled';
  readonly value: R;
  /** From the first attempt's start to the end of the last, backoff included. */
  readonly durationMs: number;
  /** How many times the function was called for this item. */
  readonly attempts: number;
}

/** One item's outcome in settled mode (`failFast: false`) that failed or timed out. */
export interface RunParallelRejected {
  readonly status: 'rejected';
  /** What the last attempt threw; a {@link TimeoutError} when it timed out. */
  readonly error: unknown;
  /** Whether the last attempt ran past `timeout`. */
  readonly timedOut: boolean;
  /** From the first attempt's start to the end of the last, backoff included. */
  readonly durationMs: number;
  /** How many times the function was called for this item. */
  readonly attempts: number;
}

/** One item's outcome in settled mode (`failFast: false`). */
export type RunParallelSettledResult<R> = RunParallelFulfilled<R> | RunParallelRejected;

/** Options of {@link runParallel}. */
export interface RunParallelOptions {
  /**
   * How many calls may run at once: an integer ≥ 1, `Infinity`, or `'auto'`. `'auto'` is the
   * default made explicit: the number of items, capped at {@link DEFAULT_MAX_WORKERS}; when the size
   * is unknown (generators, async iterables), the cap itself.
   * @default 'auto'
   */
  readonly maxWorkers?: number | 'auto' | undefined;
  /**
   * What happens when a call fails (throws, rejects or times out after its retries):
   * - `true`: abort the signal of every running call, start nothing new, wait for the running
   *   calls to settle, then reject with the first error. Nothing keeps running after the promise
   *   settles, unless a call ignores its signal (then the promise waits for it; set `timeout`).
   * - `'immediate'`: abort and stop the same way, but reject at once without waiting.
   * - `false`: keep going and resolve with a {@link RunParallelSettledResult} per item, in input order.
   * @default true
   */
  readonly failFast?: boolean | 'immediate' | undefined;
  /**
   * Milliseconds each attempt may take. When it runs out, the attempt's signal aborts with a
   * {@link TimeoutError} and the attempt fails with it at once, even if the function ignores its
   * signal (its late result is dropped). A timed-out attempt is retried like any other failure.
   * Must be > 0; `Infinity` means no limit.
   * @default no limit
   */
  readonly timeout?: number | undefined;
  /**
   * Retries after a failure, with exponential backoff and jitter: a count, or a {@link RetryOptions}
   * object. The worker slot stays taken during the backoff, and the wait ends early if the run stops.
   * @default 0
   */
  readonly retries?: number | RetryOptions | undefined;
  /**
   * Cancels the whole run: nothing new starts, every running call's signal aborts with
   * `signal.reason`, and `runParallel` rejects with `signal.reason` at once, whatever `failFast` says.
   * An already-aborted signal rejects before any call.
   */
  readonly signal?: AbortSignal | undefined;
  /** A label for the progress bar, such as `'Linting'`. Setting it turns the bar on. */
  readonly desc?: string | undefined;
  /**
   * Whether to draw a progress bar (count, rate, ETA, failures) on `progressStream`. It is drawn
   * only when that stream is a terminal.
   * @default true when `desc` is set
   */
  readonly progressBar?: boolean | undefined;
  /**
   * Where the progress bar goes.
   * @default process.stderr
   */
  readonly progressStream?: ProgressStream | undefined;
  /** Called each time an item finishes. If it throws, the run stops and rejects with that error. */
  readonly onProgress?: ((progress: RunParallelProgress) => void) | undefined;
}

/** {@link RunParallelOptions} checked and normalised by {@link validateRunParallelOptions}. */
export interface ResolvedRunParallelOptions {
  /** Resolve to a number with {@link resolveMaxWorkers} once the item count is known. */
  readonly maxWorkers: number | 'auto';
  /** `true` became `'settle'`: reject once the running calls have settled. */
  readonly failFast: false | 'settle' | 'immediate';
  /** `undefined` when there is no limit. */
  readonly timeout: number | undefined;
  /** `undefined` when no retry is allowed. */
  readonly retry: RetryPolicy | undefined;
  readonly signal: AbortSignal | undefined;
  readonly desc: string | undefined;
  readonly progressBar: boolean;
  readonly progressStream: ProgressStream | undefined;
  readonly onProgress: ((progress: RunParallelProgress) => void) | undefined;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/**
 * Checks `runParallel`'s options and fills in defaults. Exported so other pools (the CPU pool)
 * accept exactly the same options with exactly the same errors.
 *
 * @param options - The options as the caller passed them; `undefined` means all defaults.
 * @throws TypeError naming the option, the value and its type, p-map style:
 *   ``Expected `maxWorkers` to be an integer ≥ 1, Infinity or 'auto', got `0` (number)``.
 */
export function validateRunParallelOptions(options: unknown): ResolvedRunParallelOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const {
    maxWorkers = 'auto',
    failFast = true,
    timeout,
    retries,
    signal,
    desc,
    progressBar,
    progressStream,
    onProgress,
  } = options as RunParallelOptions;

  if (
    maxWorkers !== 'auto' &&
    !(typeof maxWorkers === 'number' && maxWorkers >= 1 && (Number.isInteger(maxWorkers) || maxWorkers === Infinity))
  ) {
    throw new TypeError(`Expected \`maxWorkers\` to be an integer ≥ 1, Infinity or 'auto', got ${describeValue(maxWorkers)}`);
  }
  if (failFast !== true && failFast !== false && failFast !== 'immediate') {
    throw new TypeError(`Expected \`failFast\` to be true, false or 'immediate', got ${describeValue(failFast)}`);
  }
  // A timeout of 0 is rejected rather than read as "none": p-queue#250 shows how that surprises.
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
    throw new TypeError(`Expected \`timeout\` to be a number of milliseconds > 0 or Infinity, got ${describeValue(timeout)}`);
  }
  const retry = resolveRetryPolicy(retries);
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  if (desc !== undefined && typeof desc !== 'string') {
    throw new TypeError(`Expected \`desc\` to be a string, got ${describeValue(desc)}`);
  }
  if (progressBar !== undefined && typeof progressBar !== 'boolean') {
    throw new TypeError(`Expected \`progressBar\` to be a boolean, got ${describeValue(progressBar)}`);
  }
  if (
    progressStream !== undefined &&
    (typeof progressStream !== 'object' || progressStream === null || typeof progressStream.write !== 'function')
  ) {
    throw new TypeError(`Expected \`progressStream\` to be a writable stream, got ${describeValue(progressStream)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`Expected \`onProgress\` to be a function, got ${describeValue(onProgress)}`);
  }

  return {
    maxWorkers,
    failFast: failFast === true ? 'settle' : failFast,
    timeout: timeout === undefined || timeout > MAX_TIMER_MS ? undefined : timeout,
    retry,
    signal,
    desc,
    progressBar: progressBar ?? desc !== undefined,
    progressStream,
    onProgress,
  };
}

/**
 * The size of `items` when it is known without consuming it: arrays, Sets and Maps.
 * Anything else (generators, async iterables) gives `undefined`.
 */
export function knownItemCount(items: Iterable<unknown> | AsyncIterable<unknown>): number | undefined {
  if (Array.isArray(items)) return items.length;
  if (items instanceof Set || items instanceof Map) return items.size;
  return undefined;
}

/**
 * Turns a validated `maxWorkers` into the concurrency actually used.
 *
 * @param maxWorkers - From {@link validateRunParallelOptions}.
 * @param itemCount - From {@link knownItemCount}; `undefined` when the input size is unknown.
 * @param autoCap - What `'auto'` means when there are more items than that.
 */
export function resolveMaxWorkers(
  maxWorkers: number | 'auto',
  itemCount: number | undefined,
  autoCap: number = DEFAULT_MAX_WORKERS,
): number {
  if (maxWorkers !== 'auto') return maxWorkers;
  return itemCount === undefined ? autoCap : Math.max(1, Math.min(itemCount, autoCap));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

const ignore = (): void => {};

/**
 * One run of {@link runParallel}. The hot path (no timeout, no retries) costs one context object
 * and one `then` per item: no per-item AbortController, timer, clock read or async frame, since a
 * benchmark holds it to p-map's per-item overhead.
 */
class ParallelRun<T> {
  readonly promise: Promise<unknown[]>;
  private resolvePromise!: (results: unknown[]) => void;
  private rejectPromise!: (error: unknown) => void;

  private readonly fn: RunParallelFn<T, unknown>;
  private readonly failFast: false | 'settle' | 'immediate';
  private readonly settledMode: boolean;
  private readonly timeout: number | undefined;
  private readonly retry: RetryPolicy | undefined;
  private readonly slow: boolean;
  private readonly externalSignal: AbortSignal | undefined;
  private readonly onProgress: ((progress: RunParallelProgress) => void) | undefined;
  private readonly reporting: boolean;
  private readonly bar: ProgressBar | undefined;
  private readonly startedAt: number;
  private readonly total: number | undefined;
  private readonly max: number;

  // One controller for the whole run: every call shares its signal unless it has a timeout of its own.
  private readonly controller = new AbortController();
  private readonly signal = this.controller.signal;
  // Per-attempt controllers (only with `timeout`), so a stop can reach them too.
  private readonly liveControllers = new Set<AbortController>();

  private readonly array: readonly T[] | undefined;
  private readonly length: number;
  private readonly iterator: Iterator<T> | AsyncIterator<T> | undefined;
  private readonly isAsync: boolean;
  private readonly results: unknown[];

  private nextIndex = 0;
  private active = 0;
  private done = 0;
  private failed = 0;
  private pulling = false;
  private exhausted = false;
  private stopping = false;
  private finished = false;
  private launching = false;
  private firstError: unknown = undefined;

  constructor(fn: RunParallelFn<T, unknown>, items: Iterable<T> | AsyncIterable<T>, options: ResolvedRunParallelOptions) {
    this.promise = new Promise<unknown[]>((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    this.fn = fn;
    this.failFast = options.failFast;
    this.settledMode = options.failFast === false;
    this.timeout = options.timeout;
    this.retry = options.retry;
    this.slow = options.timeout !== undefined || options.retry !== undefined;
    this.externalSignal = options.signal;
    this.onProgress = options.onProgress;
    this.total = knownItemCount(items);
    this.max = resolveMaxWorkers(options.maxWorkers, this.total);

    if (Array.isArray(items)) {
      this.array = items as readonly T[];
      this.length = items.length;
      this.iterator = undefined;
      this.isAsync = false;
      this.results = new Array<unknown>(this.length);
    } else {
      this.array = undefined;
      this.length = 0;
      const asyncFactory = (items as AsyncIterable<T>)[Symbol.asyncIterator];
      this.isAsync = typeof asyncFactory === 'function';
      this.iterator = this.isAsync ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
      this.results = [];
    }

    if (this.externalSignal?.aborted) {
      this.finished = true;
      this.bar = undefined;
      this.reporting = false;
      this.startedAt = 0;
      this.rejectPromise(this.externalSignal.reason);
      return;
    }

    this.bar = options.progressBar
      ? createProgressBar({ desc: options.desc, total: this.total, stream: options.progressStream })
      : undefined;
    this.reporting = this.onProgress !== undefined || this.bar !== undefined;
    this.startedAt = this.reporting ? performance.now() : 0;
    this.externalSignal?.addEventListener('abort', this.onExternalAbort, { once: true });
    this.fill();
  }

  /** Starts calls until `max` are running or the input runs dry. Re-entrant calls (a sync result settling inside the loop) leave the work to the outer loop, so sync functions never recurse. */
  private fill(): void {
    if (this.launching || this.finished) return;
    this.launching = true;
    const max = this.max;
    const array = this.array;
    while (!this.stopping && !this.exhausted && this.active < max && !this.pulling) {
      let item: T;
      if (array !== undefined) {
        if (this.nextIndex >= this.length) {
          this.exhausted = true;
          break;
        }
        item = array[this.nextIndex] as T;
      } else if (!this.isAsync) {
        let step: IteratorResult<T>;
        try {
          step = (this.iterator as Iterator<T>).next();
        } catch (error) {
          this.exhausted = true;
          this.fatal(error);
          break;
        }
        if (step.done === true) {
          this.exhausted = true;
          break;
        }
        item = step.value;
        this.results.push(undefined);
      } else {
        // One pull at a time, and only for a free worker, so a huge or endless source is read lazily.
        this.pulling = true;
        let pending: Promise<IteratorResult<T>>;
        try {
          pending = (this.iterator as AsyncIterator<T>).next();
        } catch (error) {
          this.pulling = false;
          this.exhausted = true;
          this.fatal(error);
          break;
        }
        Promise.resolve(pending).then(this.onPulled, this.onPullFailed);
        break;
      }
      this.active++;
      this.start(item, this.nextIndex++);
    }
    this.launching = false;
    this.checkDone();
  }

  private readonly onPulled = (step: IteratorResult<T>): void => {
    this.pulling = false;
    if (this.finished) return;
    if (step.done === true) {
      this.exhausted = true;
    } else if (!this.stopping) {
      this.results.push(undefined);
      this.active++;
      this.start(step.value, this.nextIndex++);
    }
    this.fill();
  };

  private readonly onPullFailed = (error: unknown): void => {
    this.pulling = false;
    this.exhausted = true;
    if (this.finished) return;
    this.fatal(error);
    this.checkDone();
  };

  private start(item: T, index: number): void {
    if (this.slow) {
      void this.runWithRetries(item, index);
      return;
    }
    const startedAt = this.settledMode ? performance.now() : 0;
    let value: unknown;
    try {
      value = this.fn(item, { index, signal: this.signal, attempt: 1 });
    } catch (error) {
      this.onRejected(index, error, startedAt, 1);
      return;
    }
    if (isThenable(value)) {
      Promise.resolve(value).then(
        (result) => this.onFulfilled(index, result, startedAt, 1),
        (error: unknown) => this.onRejected(index, error, startedAt, 1),
      );
    } else {
      this.onFulfilled(index, value, startedAt, 1);
    }
  }

  private async runWithRetries(item: T, index: number): Promise<void> {
    const startedAt = this.settledMode ? performance.now() : 0;
    const retry = this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        const value: unknown = await this.runAttempt(item, index, attempt);
        this.onFulfilled(index, value, startedAt, attempt);
        return;
      } catch (error) {
        let again: boolean;
        try {
          again = retry !== undefined && attempt <= retry.retries && !this.signal.aborted && retry.shouldRetry(error, attempt);
        } catch (shouldRetryError) {
          this.onRejected(index, shouldRetryError, startedAt, attempt);
          return;
        }
        if (!again || retry === undefined) {
          this.onRejected(index, error, startedAt, attempt);
          return;
        }
        try {
          await abortableSleep(computeBackoffDelay(attempt, retry), this.signal);
        } catch {
          // The run stopped during the backoff; the item's own failure is the useful report.
          this.onRejected(index, error, startedAt, attempt);
          return;
        }
      }
    }
  }

  private runAttempt(item: T, index: number, attempt: number): unknown {
    const timeout = this.timeout;
    if (timeout === undefined) return this.fn(item, { index, signal: this.signal, attempt });

    const controller = new AbortController();
    const live = this.liveControllers;
    live.add(controller);
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        live.delete(controller);
        const error = new TimeoutError(
          `runParallel: item ${index}${attempt > 1 ? ` (attempt ${attempt})` : ''} timed out after ${timeout} ms`,
          timeout,
        );
        controller.abort(error);
        // Settles now, not when the function notices: one that ignores its signal must not hold the run.
        reject(error);
      }, timeout);
      const settled = (): void => {
        clearTimeout(timer);
        live.delete(controller);
      };
      let value: unknown;
      try {
        value = this.fn(item, { index, signal: controller.signal, attempt });
      } catch (error) {
        settled();
        reject(error);
        return;
      }
      Promise.resolve(value).then(
        (result) => {
          settled();
          resolve(result);
        },
        (error: unknown) => {
          settled();
          reject(error);
        },
      );
    });
  }

  private onFulfilled(index: number, value: unknown, startedAt: number, attempts: number): void {
    if (this.finished) return;
    this.active--;
    this.done++;
    this.results[index] = this.settledMode
      ? ({ status: 'fulfilled', value, durationMs: performance.now() - startedAt, attempts } satisfies RunParallelFulfilled<unknown>)
      : value;
    if (this.reporting) this.report();
    this.fill();
  }

  private onRejected(index: number, error: unknown, startedAt: number, attempts: number): void {
    if (this.finished) return;
    this.active--;
    this.done++;
    this.failed++;
    if (this.settledMode) {
      this.results[index] = {
        status: 'rejected',
        error,
        timedOut: error instanceof TimeoutError,
        durationMs: performance.now() - startedAt,
        attempts,
      } satisfies RunParallelRejected;
    } else if (!this.stopping) {
      this.stop(error, new AbortedError(`runParallel stopped: item ${index} failed`, { cause: error }));
    }
    if (this.reporting) this.report();
    this.fill();
  }

  private report(): void {
    if (this.finished) return;
    this.bar?.update(this.done, this.failed);
    const onProgress = this.onProgress;
    if (onProgress === undefined) return;
    try {
      onProgress({
        done: this.done,
        total: this.total,
        failed: this.failed,
        inFlight: this.active,
        elapsedMs: performance.now() - this.startedAt,
      });
    } catch (error) {
      this.fatal(error);
    }
  }

  /** An error that ends the run in every mode: the input threw, or `onProgress` did. */
  private fatal(error: unknown): void {
    if (this.stopping) return;
    this.stop(error, new AbortedError('runParallel stopped', { cause: error }));
  }

  private stop(error: unknown, abortReason: unknown): void {
    this.stopping = true;
    this.firstError = error;
    this.abortRunning(abortReason);
    this.closeIterator();
    if (this.failFast === 'immediate') this.finish(false, error);
  }

  private abortRunning(reason: unknown): void {
    this.controller.abort(reason);
    for (const controller of this.liveControllers) controller.abort(reason);
    this.liveControllers.clear();
  }

  /** Tells a generator we are done with it, so its `finally` blocks run, as `break` in a `for...of` would. */
  private closeIterator(): void {
    const iterator = this.iterator;
    if (iterator === undefined || this.exhausted) return;
    this.exhausted = true;
    try {
      const closing = iterator.return?.();
      if (isThenable(closing)) Promise.resolve(closing).then(ignore, ignore);
    } catch {
      // A source that fails to close has nothing left to give; the run's outcome stands.
    }
  }

  private readonly onExternalAbort = (): void => {
    if (this.finished) return;
    const reason: unknown = this.externalSignal?.reason;
    this.stopping = true;
    this.abortRunning(reason);
    this.closeIterator();
    this.finish(false, reason);
  };

  private checkDone(): void {
    if (this.finished || this.active > 0) return;
    if (this.stopping) this.finish(false, this.firstError);
    else if (this.exhausted && !this.pulling) this.finish(true, this.results);
  }

  private finish(ok: boolean, outcome: unknown): void {
    this.finished = true;
    this.externalSignal?.removeEventListener('abort', this.onExternalAbort);
    this.bar?.stop();
    if (ok) this.resolvePromise(outcome as unknown[]);
    else this.rejectPromise(outcome);
  }
}

/**
 * Calls `fn` on every item with at most `maxWorkers` calls at once, and resolves with the results in
 * input order. Each call gets an AbortSignal that fires on timeout, fail-fast or external abort.
 *
 * @param fn - Called as `fn(item, { index, signal, attempt })`; may return a value or a promise.
 * @param items - An iterable or async iterable, read lazily: an item is pulled only when a worker is free.
 * @param options - See {@link RunParallelOptions}; invalid values reject with a TypeError.
 * @returns The results in input order; with `failFast: false`, a {@link RunParallelSettledResult} per item.
 *
 * @example
 * const sizes = await runParallel(async (file, { signal }) => (await stat(file, { signal })).size, files, {
 *   maxWorkers: 8,
 *   desc: 'Sizing',
 *   timeout: 5_000,
 *   retries: { retries: 2, minDelayMs: 200 },
 * });
 */
export function runParallel<T, R>(
  fn: RunParallelFn<T, R>,
  items: Iterable<T> | AsyncIterable<T>,
  options: RunParallelOptions & { readonly failFast: false },
): Promise<RunParallelSettledResult<R>[]>;
export function runParallel<T, R>(
  fn: RunParallelFn<T, R>,
  items: Iterable<T> | AsyncIterable<T>,
  options?: RunParallelOptions & { readonly failFast?: true | 'immediate' | undefined },
): Promise<R[]>;
export function runParallel<T, R>(
  fn: RunParallelFn<T, R>,
  items: Iterable<T> | AsyncIterable<T>,
  options?: RunParallelOptions,
): Promise<R[] | RunParallelSettledResult<R>[]>;
export function runParallel<T, R>(
  fn: RunParallelFn<T, R>,
  items: Iterable<T> | AsyncIterable<T>,
  options?: RunParallelOptions,
): Promise<R[] | RunParallelSettledResult<R>[]> {
  let resolved: ResolvedRunParallelOptions;
  try {
    if (typeof fn !== 'function') {
      throw new TypeError(`Expected \`fn\` to be a function, got ${describeValue(fn)}`);
    }
    if (
      items === null ||
      items === undefined ||
      (typeof (items as Iterable<T>)[Symbol.iterator] !== 'function' &&
        typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] !== 'function')
    ) {
      throw new TypeError(`Expected \`items\` to be an iterable or async iterable, got ${describeValue(items)}`);
    }
    resolved = validateRunParallelOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return new ParallelRun<T>(fn, items, resolved).promise as Promise<R[] | RunParallelSettledResult<R>[]>;
}
