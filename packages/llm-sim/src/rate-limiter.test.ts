import { afterEach, describe, expect, it } from 'vitest';
import OpenAI, { RateLimitError } from 'openai';
import { createRateLimiter, formatResetDuration } from './rate-limiter.js';
import { startLlmSim } from './start-llm-sim.js';
import type { LlmSim } from './start-llm-sim.js';

const sims: LlmSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

describe(createRateLimiter, () => {
  it('refills the request bucket continuously, per key', () => {
    let now = 0;
    const limiter = createRateLimiter({ rpm: 2, clock: () => now });
    expect(limiter.admit('a', 0).allowed).toBe(true);
    expect(limiter.admit('a', 0).allowed).toBe(true);
    const denied = limiter.admit('a', 0);
    expect(denied).toMatchObject({ allowed: false, limitedBy: 'requests', retryAfterMs: 30_000 });
    expect(denied.message).toContain('Limit 2, Used 2, Requested 1');
    expect(limiter.admit('b', 0).allowed).toBe(true);
    now = 29_999;
    expect(limiter.admit('a', 0).allowed).toBe(false);
    now = 30_000;
    expect(limiter.admit('a', 0).allowed).toBe(true);
  });

  it('checks tokens before admitting and lets charges run the bucket into debt', () => {
    let now = 0;
    const limiter = createRateLimiter({ tpm: 600, clock: () => now });
    expect(limiter.admit('k', 500).allowed).toBe(true);
    limiter.charge('k', 900);
    expect(limiter.headers('k')['x-ratelimit-remaining-tokens']).toBe('0');
    const denied = limiter.admit('k', 100);
    // 300 tokens of debt plus 100 needed, at 10 tokens per second.
    expect(denied).toMatchObject({ allowed: false, limitedBy: 'tokens', retryAfterMs: 40_000 });
    now = 40_000;
    expect(limiter.admit('k', 100).allowed).toBe(true);
  });

  it('reports limit, remaining and reset headers, and none without limits', () => {
    let now = 0;
    const limiter = createRateLimiter({ rpm: 60, tpm: 6000, clock: () => now });
    limiter.admit('k', 10);
    limiter.charge('k', 1500);
    expect(limiter.headers('k')).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '6000',
      'x-ratelimit-remaining-tokens': '4500',
      'x-ratelimit-reset-tokens': '15s',
    });
    now = 500;
    expect(limiter.headers('k')['x-ratelimit-reset-requests']).toBe('500ms');
    limiter.reset();
    expect(limiter.headers('k')['x-ratelimit-remaining-tokens']).toBe('6000');
    expect(createRateLimiter().headers('k')).toEqual({});
  });

  it('rejects limits that are not positive numbers', () => {
    expect(() => createRateLimiter({ rpm: 0 })).toThrow('Expected `rpm` to be a positive number, got 0 (number)');
    expect(() => createRateLimiter({ tpm: '5' as never })).toThrow('Expected `tpm` to be a positive number, got 5 (string)');
  });
});

describe(formatResetDuration, () => {
  it('writes Go-style durations as OpenAI does', () => {
    expect([0, -5, 12, 999.2, 1000, 1500, 59_999, 360_000, 3_723_000].map(formatResetDuration)).toEqual([
      '0s',
      '0s',
      '12ms',
      '1s',
      '1s',
      '1.5s',
      '59.999s',
      '6m0s',
      '1h2m3s',
    ]);
  });
});

describe('rate limits over HTTP', () => {
  it('sends the x-ratelimit headers on every response and 429 with retry-after once the bucket is empty', async () => {
    let now = 1_700_000_000_000;
    const sim = await startLlmSim({ rpm: 3, tpm: 10_000, clock: () => now });
    sims.push(sim);
    const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-one', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'hello' }];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create({ model: 'm', messages }).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('10000');
      expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(/^\d+(\.\d+)?m?s$/);
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const error = await client.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect(limited.headers.get('retry-after')).toBe('20');
    expect(limited.headers.get('retry-after-ms')).toBe('20000');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset-requests')).toBe('1m0s');

    const other = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-two', maxRetries: 0 });
    const models = await other.models.list().withResponse();
    expect(models.response.headers.get('x-ratelimit-remaining-requests')).toBe('3');
    await expect(other.chat.completions.create({ model: 'm', messages })).resolves.toBeDefined();

    now += 20_000;
    await expect(client.chat.completions.create({ model: 'm', messages })).resolves.toBeDefined();
    expect(sim.log().requests.filter((entry) => entry.path === '/v1/chat/completions').map((entry) => entry.fault)).toEqual([
      null,
      null,
      null,
      'rate-limit',
      null,
      null,
    ]);
  });

  it('counts prompt and completion tokens against TPM', async () => {
    const now = 0;
    const sim = await startLlmSim({ tpm: 100, clock: () => now, script: { rules: [{ respond: { content: 'x'.repeat(200) } }] } });
    sims.push(sim);
    const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'y'.repeat(40) }];
    const { data, response } = await client.chat.completions.create({ model: 'm', messages }).withResponse();
    const used = data.usage?.total_tokens ?? 0;
    expect(used).toBe(66);
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe(String(100 - used));
    const error = await client.chat.completions.create({ model: 'm', messages, max_tokens: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ type: 'tokens' });
    expect((error as Error).message).toContain('tokens per min (TPM): Limit 100');
  });
});
