import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, parseResetDuration } from './rate-limit-headers.js';

describe(parseResetDuration, () => {
  it.each([
    ['12ms', 12],
    ['1s', 1000],
    ['6m0s', 360_000],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['20', 20_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseResetDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5x', '1s garbage', 'ms'])('rejects %j', (text) => {
    expect(parseResetDuration(text)).toBeUndefined();
  });
});

describe(parseRateLimitHeaders, () => {
  it('reads the six OpenAI headers', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-limit-tokens': '30000',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-remaining-tokens': '29000',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-reset-tokens': '2s',
    });
    expect(parseRateLimitHeaders(headers)).toEqual({
      limitRequests: 500,
      limitTokens: 30_000,
      remainingRequests: 499,
      remainingTokens: 29_000,
      resetRequestsMs: 120,
      resetTokensMs: 2000,
    });
  });

  it('returns undefined when the provider sends no rate-limit headers (Ollama, vLLM)', () => {
    expect(parseRateLimitHeaders(new Headers({ 'content-type': 'application/json' }))).toBeUndefined();
    expect(parseRateLimitHeaders(undefined)).toBeUndefined();
  });

  it('treats -1 and garbage as absent rather than as a budget', () => {
    const info = parseRateLimitHeaders(new Headers({ 'x-ratelimit-remaining-tokens': '-1', 'x-ratelimit-limit-tokens': 'n/a', 'x-ratelimit-remaining-requests': '3' }));
    expect(info).toMatchObject({ remainingTokens: undefined, limitTokens: undefined, remainingRequests: 3 });
  });
});
