/**
 * The two primitives every retry loop in Whitebox shares: a sleep that a signal cuts short, and
 * exponential backoff with jitter. runParallel's retries and the LLM client's retries both use them.
 */

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts, so a
 * backoff never outlives the run that scheduled it.
 *
 * @param ms - How long to wait.
 * @param signal - Cancels the wait; an already-aborted signal rejects at once.
 *
 * @example
 * await abortableSleep(250, controller.signal);
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The shape of an exponential backoff. */
export interface BackoffShape {
  /** The delay before the first retry. */
  readonly minDelayMs: number;
  /** Ceiling on any one delay. */
  readonly maxDelayMs: number;
  /** Growth per retry. */
  readonly factor: number;
  /** Fraction of each delay taken off at random, 0..1, so retries of many callers spread out. */
  readonly jitter: number;
}

/**
 * The delay before retry number `retry` (1-based): `minDelayMs × factor^(retry-1)`, capped at
 * `maxDelayMs`, minus up to `jitter` of itself at random.
 *
 * @param random - Injectable for deterministic tests. @default Math.random
 */
export function exponentialBackoff(retry: number, shape: BackoffShape, random: () => number = Math.random): number {
  // 0 × Infinity is NaN once factor^n overflows, so a zero base short-circuits.
  const base = shape.minDelayMs === 0 ? 0 : Math.min(shape.maxDelayMs, shape.minDelayMs * shape.factor ** Math.max(0, retry - 1));
  return Math.round(base * (1 - shape.jitter * random()));
}
