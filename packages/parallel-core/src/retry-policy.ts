import { exponentialBackoff, isAbortError } from '@whitebox/core';
import { describeValue } from './describe-value.js';

/**
 * How a failed call is retried: exponential backoff with jitter, as in AWS's "Exponential Backoff
 * and Jitter". The n-th retry waits `min(maxDelayMs, minDelayMs × factor^(n-1))`, then jitter takes
 * up to `jitter` of that away at random.
 *
 * @example
 * { retries: 3, minDelayMs: 200, shouldRetry: (error) => error instanceof FetchError }
 */
export interface RetryOptions {
  /**
   * How many times a failed call is tried again, so a call runs at most `retries + 1` times.
   * @default 0
   */
  readonly retries?: number;
  /**
   * The delay before the first retry, in milliseconds.
   * @default 100
   */
  readonly minDelayMs?: number;
  /**
   * The longest delay between two attempts, in milliseconds, before jitter.
   * @default 10_000
   */
  readonly maxDelayMs?: number;
  /**
   * How much the delay grows with each retry.
   * @default 2
   */
  readonly factor?: number;
  /**
   * The share of each delay, from 0 to 1, that is random: 0 waits the exact delay, 1 waits anywhere
   * between 0 and the delay ("full jitter"). The default keeps half of it fixed, so a retry never
   * fires at once, yet workers that failed together do not retry in lockstep.
   * @default 0.5
   */
  readonly jitter?: number;
  /**
   * Decides whether an error is worth another attempt. `attempt` is the attempt that just failed,
   * counting from 1. Aborts are never retried, whatever this returns.
   * @default retries every error except an abort
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * The source of randomness for jitter, returning a number in [0, 1). Inject one for
   * deterministic tests.
   * @default Math.random
   */
  readonly random?: () => number;
}

/** {@link RetryOptions} with every default filled in, as {@link resolveRetryPolicy} returns it. */
export interface RetryPolicy {
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly jitter: number;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  readonly random: () => number;
}

const retryAnythingButAborts = (error: unknown): boolean => !isAbortError(error);

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isNonNegativeFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Checks a `retries` option and fills in its defaults. Accepts a count (`retries: 3`) or a
 * {@link RetryOptions} object.
 *
 * @param value - The `retries` option as the caller passed it.
 * @param name - The option's name, for error messages.
 * @returns The policy, or `undefined` when no retry is allowed, so callers can skip the machinery.
 * @throws TypeError naming the field, the value and its type when a field is invalid.
 */
export function resolveRetryPolicy(value: unknown, name = 'retries'): RetryPolicy | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!isNonNegativeInteger(value)) {
      throw new TypeError(`Expected \`${name}\` to be an integer ≥ 0 or an object, got ${describeValue(value)}`);
    }
    return value === 0 ? undefined : resolveRetryPolicy({ retries: value }, name);
  }
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected \`${name}\` to be an integer ≥ 0 or an object, got ${describeValue(value)}`);
  }

  const options = value as RetryOptions;
  const retries = options.retries ?? 0;
  const minDelayMs = options.minDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? Math.max(10_000, minDelayMs);
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.5;
  const shouldRetry = options.shouldRetry ?? retryAnythingButAborts;
  const random = options.random ?? Math.random;

  if (!isNonNegativeInteger(retries)) {
    throw new TypeError(`Expected \`${name}.retries\` to be an integer ≥ 0, got ${describeValue(retries)}`);
  }
  if (!isNonNegativeFinite(minDelayMs)) {
    throw new TypeError(`Expected \`${name}.minDelayMs\` to be a finite number ≥ 0, got ${describeValue(minDelayMs)}`);
  }
  if (!isNonNegativeFinite(maxDelayMs) || maxDelayMs < minDelayMs) {
    throw new TypeError(
      `Expected \`${name}.maxDelayMs\` to be a finite number ≥ minDelayMs (${minDelayMs}), got ${describeValue(maxDelayMs)}`,
    );
  }
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw new TypeError(`Expected \`${name}.factor\` to be a finite number ≥ 1, got ${describeValue(factor)}`);
  }
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new TypeError(`Expected \`${name}.jitter\` to be a number from 0 to 1, got ${describeValue(jitter)}`);
  }
  if (typeof shouldRetry !== 'function') {
    throw new TypeError(`Expected \`${name}.shouldRetry\` to be a function, got ${describeValue(shouldRetry)}`);
  }
  if (typeof random !== 'function') {
    throw new TypeError(`Expected \`${name}.random\` to be a function, got ${describeValue(random)}`);
  }
  if (retries === 0) return undefined;

  return {
    retries,
    minDelayMs,
    maxDelayMs,
    factor,
    jitter,
    shouldRetry: options.shouldRetry ? (error, attempt) => !isAbortError(error) && shouldRetry(error, attempt) : shouldRetry,
    random,
  };
}

/**
 * The wait before a retry, in whole milliseconds.
 *
 * @param retry - Which retry this is: 1 for the wait after the first failed attempt.
 * @param policy - The backoff settings; `random` supplies the jitter.
 *
 * @example
 * computeBackoffDelay(3, { ...policy, minDelayMs: 100, factor: 2, jitter: 0 }); // 400
 */
export function computeBackoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'minDelayMs' | 'maxDelayMs' | 'factor' | 'jitter' | 'random'>,
): number {
  return exponentialBackoff(retry, policy, policy.random);
}
