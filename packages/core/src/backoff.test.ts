import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortableSleep, exponentialBackoff } from './backoff.js';

afterEach(() => {
  vi.useRealTimers();
});

describe(abortableSleep, () => {
  it('resolves once the delay has passed, not before', async () => {
    vi.useFakeTimers();
    let done = false;
    void abortableSleep(100).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('rejects with the signal reason as soon as it aborts, and clears its timer', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleeping = abortableSleep(10_000, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once for an already-aborted signal', async () => {
    await expect(abortableSleep(10_000, AbortSignal.abort('gone'))).rejects.toBe('gone');
  });
});

describe(exponentialBackoff, () => {
  const shape = { minDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 };

  it('doubles from the minimum and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5].map((retry) => exponentialBackoff(retry, shape, () => 0))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('takes up to `jitter` of the delay off at random', () => {
    expect(exponentialBackoff(2, shape, () => 1)).toBe(100);
    expect(exponentialBackoff(2, shape, () => 0.5)).toBe(150);
  });

  it('stays 0 for a zero minimum even when factor^n overflows', () => {
    expect(exponentialBackoff(5_000, { ...shape, minDelayMs: 0, maxDelayMs: Infinity }, () => 0)).toBe(0);
  });
});
