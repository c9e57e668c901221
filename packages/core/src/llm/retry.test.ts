import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors.js';
import {
  backoffDelay,
  DeadlineExceededError,
  parseRetryAfter,
  shouldRetryStatus,
  sleep,
  withRetry,
} from './retry.js';

const headers = (init: Record<string, string>): Headers => new Headers(init);

class Transient extends Error {
  constructor(readonly retryAfterMs?: number) {
    super(`transient${retryAfterMs === undefined ? '' : ` (retry after ${retryAfterMs})`}`);
  }
}
const classify = (error: unknown) =>
  error instanceof Transient ? { retryable: true, retryAfterMs: error.retryAfterMs } : { retryable: false };

function fakeTime(start = 1_000_000) {
  const waits: number[] = [];
  let t = start;
  return {
    waits,
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
}

describe(shouldRetryStatus, () => {
  it.each([408, 409, 429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(shouldRetryStatus(status)).toBe(true);
  });

  it.each([400, 401, 403, 404, 422])('does not retry %i', (status) => {
    expect(shouldRetryStatus(status)).toBe(false);
  });

  it('obeys x-should-retry: false on a status it would otherwise retry', () => {
    expect(shouldRetryStatus(503, headers({ 'x-should-retry': 'false' }))).toBe(false);
  });

  it('obeys x-should-retry: true on a status it would otherwise give up on', () => {
    expect(shouldRetryStatus(422, headers({ 'x-should-retry': 'true' }))).toBe(true);
  });

  it.each([400, 401, 403, 404])('never retries %i, even when x-should-retry says true', (status) => {
    expect(shouldRetryStatus(status, headers({ 'x-should-retry': 'true' }))).toBe(false);
  });
});

describe(parseRetryAfter, () => {
  it('prefers retry-after-ms over retry-after', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
  });

  it('reads retry-after as seconds', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2.5' }))).toBe(2500);
  });

  it('reads retry-after as an HTTP date relative to now', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' }), now)).toBe(30_000);
  });

  it('ignores negative and unparseable values', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '-5', 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '-1' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe(backoffDelay, () => {
  it('doubles from the base delay and stops at the cap', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, {}, noJitter))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('applies up to 25% jitter downwards', () => {
    expect(backoffDelay(1, { baseDelayMs: 1000 }, () => 0.999_999)).toBe(750);
    expect(backoffDelay(1, { baseDelayMs: 1000 }, () => 0.5)).toBe(875);
  });
});

describe(sleep, () => {
  it('rejects with the signal reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new AbortedError('stop');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once when the signal has already aborted', async () => {
    await expect(sleep(60_000, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('wraps a non-Error reason in an AbortedError', async () => {
    const controller = new AbortController();
    controller.abort('because');
    await expect(sleep(10, controller.signal)).rejects.toEqual(new AbortedError('because'));
  });
});

describe(withRetry, () => {
  it('returns the first success after transient failures, waiting the backoff between attempts', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new Transient();
        return `ok on ${attempt}`;
      },
      { classify, now: time.now, sleep: time.sleep, random: () => 0 },
    );
    expect(result).toBe('ok on 3');
    expect(calls).toBe(3);
    expect(time.waits).toEqual([500, 1000]);
  });

  it('waits what the server asked for, clamped to retryAfterCapMs', async () => {
    const time = fakeTime();
    const events: unknown[] = [];
    await withRetry(
      async (attempt) => {
        if (attempt === 1) throw new Transient(1500);
        if (attempt === 2) throw new Transient(3_600_000);
        return 'ok';
      },
      {
        classify,
        now: time.now,
        sleep: time.sleep,
        retryAfterCapMs: 10_000,
        onRetry: (event) => events.push({ attempt: event.attempt, delayMs: event.delayMs, source: event.source }),
      },
    );
    expect(time.waits).toEqual([1500, 10_000]);
    expect(events).toEqual([
      { attempt: 1, delayMs: 1500, source: 'retry-after' },
      { attempt: 2, delayMs: 10_000, source: 'retry-after' },
    ]);
  });

  it('rethrows a non-retryable error without waiting', async () => {
    const time = fakeTime();
    const fatal = new Error('401');
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw fatal;
        },
        { classify, now: time.now, sleep: time.sleep },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it('rethrows the last error when attempts run out', async () => {
    const time = fakeTime();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Transient();
        },
        { classify, maxAttempts: 3, now: time.now, sleep: time.sleep, random: () => 0 },
      ),
    ).rejects.toBeInstanceOf(Transient);
    expect(calls).toBe(3);
    expect(time.waits).toEqual([500, 1000]);
  });

  it('gives up with DeadlineExceededError instead of starting a wait that would pass the deadline', async () => {
    const time = fakeTime();
    const error = await withRetry(
      async () => {
        throw new Transient(30_000);
      },
      { classify, now: time.now, sleep: time.sleep, deadline: time.now() + 10_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 1 });
    expect((error as Error).message).toMatch(/next retry in 30 s would pass the deadline \(10 s left\); last error: transient/);
    expect((error as Error).cause).toBeInstanceOf(Transient);
    expect(time.waits).toEqual([]);
  });

  it('says the deadline passed when an attempt itself used it up', async () => {
    const time = fakeTime();
    const error = await withRetry(
      async () => {
        await time.sleep(10_000);
        throw new Transient();
      },
      { classify, now: time.now, sleep: time.sleep, deadline: time.now() + 10_000 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe('gave up after 1 attempt(s): the deadline passed; last error: transient');
  });

  it('counts waits against the deadline across attempts', async () => {
    const time = fakeTime();
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new Transient(4000);
      },
      { classify, now: time.now, sleep: time.sleep, deadline: time.now() + 10_000, maxAttempts: 10 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(calls).toBe(3);
    expect(time.waits).toEqual([4000, 4000]);
  });

  it('stops a wait in progress when the signal aborts and rejects with its reason', async () => {
    const controller = new AbortController();
    const reason = new AbortedError('Interrupted (SIGINT)');
    let calls = 0;
    const pending = withRetry(
      async () => {
        calls++;
        throw new Transient(60_000);
      },
      { classify, signal: controller.signal, onRetry: () => queueMicrotask(() => controller.abort(reason)) },
    );
    await expect(pending).rejects.toBe(reason);
    expect(calls).toBe(1);
  });

  it('does not start when the signal has already aborted', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          return 1;
        },
        { classify, signal: AbortSignal.abort(new AbortedError()) },
      ),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(calls).toBe(0);
  });

  it('rejects bad options with a TypeError naming the value', async () => {
    await expect(withRetry(async () => 1, { classify, maxAttempts: 0 })).rejects.toThrow(
      new TypeError('Expected `maxAttempts` to be an integer from 1 and up, got `0` (number)'),
    );
    await expect(withRetry(async () => 1, { classify, retryAfterCapMs: -1 })).rejects.toThrow(/retryAfterCapMs/);
  });
});
