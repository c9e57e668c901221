import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortableSleep } from './abortable-sleep.js';

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
