import { abortableSleep, exponentialBackoff } from '../backoff.js';
import { AbortedError, WhiteboxError } from '../errors.js';
import type { HeaderSource } from './rate-limit-headers.js';

/** How hard {@link withRetry} tries. Every field is optional; see the defaults. */
export interface RetryPolicy {
  /** Attempts in all, the first one included. @default 5 */
  readonly maxAttempts?: number;
  /** Backoff before the second attempt; it doubles each time. @default 500 */
  readonly baseDelayMs?: number;
  /** Ceiling on one exponential backoff step. @default 8000 */
  readonly maxDelayMs?: number;
  /**
   * Ceiling on a server's `retry-after(-ms)`. A longer value is clamped to this, so a
   * misbehaving server cannot park a call for an hour. @default 60000
   */
  readonly retryAfterCapMs?: number;
}

/** The defaults of {@link RetryPolicy}, mirroring the openai SDK's backoff but with more attempts. */
export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  retryAfterCapMs: 60_000,
};

/** What {@link WithRetryOptions.classify} says about one failed attempt. */
export interface RetryVerdict {
  /** Whether another attempt could succeed. */
  readonly retryable: boolean;
  /** The server's own wait, from `retry-after-ms` or `retry-after`, in milliseconds. */
  readonly retryAfterMs?: number | undefined;
}

/** Passed to {@link WithRetryOptions.onRetry} before each wait. */
export interface RetryEvent {
  /** The attempt that just failed, counting from 1. */
  readonly attempt: number;
  /** How long the loop will sleep before the next attempt. */
  readonly delayMs: number;
  /** Whether the wait came from the server's `retry-after` or from our backoff. */
  readonly source: 'retry-after' | 'backoff';
  /** Why the attempt failed. */
  readonly error: unknown;
}

/** Options for {@link withRetry}. */
export interface WithRetryOptions extends RetryPolicy {
  /** Decides whether a failure is worth another attempt. */
  readonly classify: (error: unknown) => RetryVerdict;
  /** Stops the loop, including a wait in progress; it rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /** Absolute time (in `now()` units) after which no attempt starts and no wait is begun. */
  readonly deadline?: number | undefined;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default an abortable `setTimeout` ({@link sleep}) */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Told before each wait, for progress and `--verbose` output. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** Statuses that mean the request itself is wrong; a retry would fail the same way. */
const NEVER_RETRY = new Set([400, 401, 403, 404]);

/**
 * Decides whether an HTTP failure is worth retrying: 408, 409, 429 and 5xx are; 400, 401, 403 and
 * 404 never are. Otherwise the non-standard `x-should-retry: true|false` header decides.
 *
 * The never-retry list beats `x-should-retry: true` on purpose: a wrong key or a malformed request
 * cannot succeed on a second try, whatever a proxy claims.
 */
export function shouldRetryStatus(status: number, headers?: HeaderSource): boolean {
  if (NEVER_RETRY.has(status)) return false;
  const header = headers?.get('x-should-retry')?.trim().toLowerCase();
  if (header === 'true') return true;
  if (header === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Reads the server's requested wait: `retry-after-ms` first, then `retry-after` as seconds or as
 * an HTTP date.
 *
 * @param now - The current time in epoch ms, for the HTTP-date form.
 * @returns Milliseconds (never negative), or `undefined` when neither header is usable.
 */
export function parseRetryAfter(headers: HeaderSource | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1`: `baseDelayMs · 2^(attempt-1)`, capped at `maxDelayMs`,
 * times a jitter in (0.75, 1] so that a burst of failures does not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy = {}, random: () => number = Math.random): number {
  const shape = {
    minDelayMs: policy.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    factor: 2,
    jitter: 0.25,
  };
  return exponentialBackoff(attempt, shape, random);
}

/** The error a cancelled wait rejects with: the signal's own reason when it is an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new AbortedError(reason === undefined ? 'Aborted' : String(reason));
}

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts. The openai
 * SDK's own backoff sleep ignores the signal (openai-node#2580), which is why we own the loop.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal).catch((error: unknown) => {
    throw signal?.aborted ? abortReason(signal) : error;
  });
}

/**
 * Thrown by {@link withRetry} when the total deadline leaves no room for the next attempt. The
 * last attempt's error is the `cause`.
 */
export class DeadlineExceededError extends WhiteboxError {
  override name = 'DeadlineExceededError';

  /**
   * @param attempts - Attempts made before giving up.
   * @param message - Which wait would have passed the deadline.
   */
  constructor(
    readonly attempts: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super('TIMEOUT', message, options);
  }
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected \`${name}\` to be an integer from 1 and up, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new TypeError(`Expected \`${name}\` to be a number from 0 and up, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}

/**
 * Runs `attemptFn` until it succeeds, the failure is not retryable, attempts run out, the deadline
 * would pass, or `signal` aborts. Waits honour the server's `retry-after(-ms)` (clamped to
 * `retryAfterCapMs`) and otherwise back off exponentially with jitter.
 *
 * @param attemptFn - One attempt; receives its 1-based number.
 * @returns What the first successful attempt returned.
 * @throws The last attempt's error when it is not retryable or attempts ran out,
 *   {@link DeadlineExceededError} when the next wait would pass `deadline`, and `signal.reason` on abort.
 * @example
 * const data = await withRetry(() => fetchJson(url), { classify: (e) => ({ retryable: isTransient(e) }), signal });
 */
export async function withRetry<T>(attemptFn: (attempt: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts);
  const retryAfterCapMs = nonNegative('retryAfterCapMs', options.retryAfterCapMs ?? DEFAULT_RETRY_POLICY.retryAfterCapMs);
  nonNegative('baseDelayMs', options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs);
  nonNegative('maxDelayMs', options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs);
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const { signal, deadline } = options;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    if (deadline !== undefined && now() >= deadline) {
      throw new DeadlineExceededError(attempt - 1, `gave up after ${attempt - 1} attempt(s): the deadline has passed`);
    }
    try {
      return await attemptFn(attempt);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      const verdict = options.classify(error);
      if (!verdict.retryable || attempt >= maxAttempts) throw error;
      const fromServer = verdict.retryAfterMs !== undefined;
      const delayMs = fromServer
        ? Math.min(verdict.retryAfterMs as number, retryAfterCapMs)
        : backoffDelay(attempt, options, random);
      if (deadline !== undefined && now() >= deadline) {
        throw new DeadlineExceededError(attempt, `gave up after ${attempt} attempt(s): the deadline passed; last error: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      if (deadline !== undefined && now() + delayMs >= deadline) {
        const left = Math.max(0, deadline - now());
        throw new DeadlineExceededError(
          attempt,
          `gave up after ${attempt} attempt(s): the next retry in ${formatMs(delayMs)} would pass the deadline (${formatMs(left)} left); last error: ${errorMessage(error)}`,
          { cause: error },
        );
      }
      options.onRetry?.({ attempt, delayMs, source: fromServer ? 'retry-after' : 'backoff', error });
      await wait(delayMs, signal);
    }
  }
}

/** Renders a duration for messages: `850 ms`, `2.5 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
