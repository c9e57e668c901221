import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

const info = (fields: Partial<Record<'limitRequests' | 'limitTokens' | 'remainingRequests' | 'remainingTokens', number>>) => ({
  limitRequests: undefined,
  limitTokens: undefined,
  remainingRequests: undefined,
  remainingTokens: undefined,
  resetRequestsMs: undefined,
  resetTokensMs: undefined,
  ...fields,
});

/** Acquires `count` times and records, for each, the fake time it was let through. */
async function timesOf(limiter: ReturnType<typeof createRateLimiter>, count: number, tokens = 0, stepMs = 10, untilMs = 20_000): Promise<number[]> {
  const start = Date.now();
  const times: number[] = [];
  for (let i = 0; i < count; i++) void limiter.acquire(tokens).then(() => times.push(Date.now() - start));
  for (let t = 0; t < untilMs && times.length < count; t += stepMs) await vi.advanceTimersByTimeAsync(stepMs);
  return times;
}

describe(createRateLimiter, () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes everything at once when no limit is known', async () => {
    const limiter = createRateLimiter();
    expect(await timesOf(limiter, 100)).toEqual(new Array(100).fill(0));
  });

  it('sends a one-second burst, then paces at rpm / 60 per second', async () => {
    const limiter = createRateLimiter({ rpm: 600 });
    const times = await timesOf(limiter, 30);
    // 10 at once (a second of quota), then one every 100 ms.
    expect(times.slice(0, 10)).toEqual(new Array(10).fill(0));
    expect(times[10]).toBe(100);
    expect(times[29]).toBe(2000);
  });

  it('paces by tokens when the token bucket is the tighter one', async () => {
    const limiter = createRateLimiter({ rpm: 60_000, tpm: 6000 });
    // 100 tokens a second: each 50-token request needs half a second of refill after the burst.
    const times = await timesOf(limiter, 6, 50);
    expect(times).toEqual([0, 0, 500, 1000, 1500, 2000]);
  });

  it('lets a request larger than the bucket through once the bucket is full, then runs into debt', async () => {
    const limiter = createRateLimiter({ tpm: 600 });
    const times = await timesOf(limiter, 2, 25);
    // Capacity is 10 tokens: the first (25) goes at once into debt of 15; the second waits 2.5 s of refill to reach 10.
    expect(times).toEqual([0, 2500]);
  });

  it('holds every request back during a cooldown, however full the buckets are', async () => {
    const limiter = createRateLimiter({ rpm: 6000 });
    limiter.coolDown(700);
    const times = await timesOf(limiter, 3);
    expect(times).toEqual([700, 700, 700]);
    expect(limiter.stats().cooldowns).toBe(1);
  });

  it('keeps the longer cooldown when a shorter one arrives', async () => {
    const limiter = createRateLimiter();
    limiter.coolDown(1000);
    limiter.coolDown(200);
    expect(await timesOf(limiter, 1)).toEqual([1000]);
    expect(limiter.stats().cooldowns).toBe(1);
  });

  it('adopts a lower limit announced by the headers', async () => {
    const limiter = createRateLimiter({ rpm: 60_000 });
    limiter.observe(info({ limitRequests: 600 }), limiter.depart());
    expect(limiter.stats().rpm).toBe(600);
    const times = await timesOf(limiter, 12);
    expect(times[10]).toBe(100);
  });

  it('learns a limit from the headers when none was given', () => {
    const limiter = createRateLimiter();
    limiter.observe(info({ limitRequests: 1200, limitTokens: 90_000 }), limiter.depart());
    expect(limiter.stats()).toMatchObject({ rpm: 1200, tpm: 90_000, corrections: 1 });
  });

  it('ignores a higher limit in the headers: the configured one is what the user wants', () => {
    const limiter = createRateLimiter({ rpm: 100 });
    limiter.observe(info({ limitRequests: 10_000 }), limiter.depart());
    expect(limiter.stats().rpm).toBe(100);
  });

  it('lowers the bucket to what remains at the provider, minus the requests sent since', async () => {
    const limiter = createRateLimiter({ rpm: 6000 });
    await limiter.acquire(0);
    await limiter.acquire(0);
    // Both were acquired before either left: the first to leave gets a mark that counts the second as later.
    const since = limiter.depart();
    limiter.depart();
    // The provider counted the first request and has 1 left; the second reached it after.
    limiter.observe(info({ remainingRequests: 1 }), since);
    const times = await timesOf(limiter, 2);
    // Level is 1 - 1 = 0: 10 ms to refill to 1 at 100 per second, then 10 ms for the next.
    expect(times).toEqual([10, 20]);
    expect(limiter.stats().corrections).toBe(1);
  });

  it('serves waiters first come, first served and drops an aborted one without taking from the buckets', async () => {
    const limiter = createRateLimiter({ rpm: 60 });
    await limiter.acquire(0);
    const order: string[] = [];
    const controller = new AbortController();
    const a = limiter.acquire(0).then(() => order.push('a'));
    const b = limiter.acquire(0, controller.signal).then(
      () => order.push('b'),
      (error: unknown) => order.push(`b aborted: ${(error as Error).message}`),
    );
    const c = limiter.acquire(0).then(() => order.push('c'));
    expect(limiter.stats().waiting).toBe(3);
    controller.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all([a, b, c]);
    expect(order).toEqual(['b aborted: stop', 'a', 'c']);
  });

  it('counts tokens acquired but not yet sent as sent after the departing request', async () => {
    const limiter = createRateLimiter({ tpm: 60_000 });
    await limiter.acquire(100);
    await limiter.acquire(300);
    const since = limiter.depart();
    expect(since).toEqual({ requests: 1, tokens: 100 });
    limiter.depart();
    // 1000 tokens of capacity, 600 left after both; the provider says 500 remained after the first, so 200 are left.
    limiter.observe(info({ remainingTokens: 500 }), since);
    expect(await timesOf(limiter, 1, 300)).toEqual([100]);
  });

  it('forgets an acquisition that never departs after five seconds', async () => {
    const limiter = createRateLimiter({ rpm: 6000 });
    await limiter.acquire(0);
    await vi.advanceTimersByTimeAsync(6000);
    await limiter.acquire(0);
    expect(limiter.depart()).toEqual({ requests: 2, tokens: 0 });
  });

  it('gives tokens back when a call used fewer than estimated', async () => {
    const limiter = createRateLimiter({ tpm: 600 });
    await limiter.acquire(10);
    limiter.settle(10, 2);
    // 8 tokens came back at once; a 5-token request needs no wait.
    expect(await timesOf(limiter, 1, 5)).toEqual([0]);
  });

  it('rejects bad options with a TypeError naming the value', () => {
    expect(() => createRateLimiter({ rpm: 0 })).toThrow(new TypeError('Expected `rpm` to be a positive number, got `0` (number)'));
    expect(() => createRateLimiter({ tpm: Number.NaN })).toThrow('Expected `tpm` to be a positive number, got `NaN` (number)');
    expect(() => createRateLimiter({ burstSeconds: -1 })).toThrow('`burstSeconds`');
    expect(() => createRateLimiter(null as never)).toThrow('Expected `options` to be an object, got `null` (object)');
  });

  it('rejects a negative token count', async () => {
    await expect(createRateLimiter().acquire(-1)).rejects.toThrow('Expected `tokens` to be a number >= 0, got `-1` (number)');
  });
});
