import { AbortedError } from '@whitebox/core';
import { describe, expect, it } from 'vitest';
import { computeBackoffDelay, resolveRetryPolicy } from './retry-policy.js';

const policy = { minDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0, random: () => 0.99 };

describe(computeBackoffDelay, () => {
  it('doubles the delay with each retry up to maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => computeBackoffDelay(retry, policy))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('takes up to `jitter` of the delay away, scaled by the injected random number', () => {
    expect(computeBackoffDelay(2, { ...policy, jitter: 1, random: () => 0.25 })).toBe(150);
    expect(computeBackoffDelay(2, { ...policy, jitter: 0.5, random: () => 0.5 })).toBe(150);
    expect(computeBackoffDelay(2, { ...policy, jitter: 0.5, random: () => 0 })).toBe(200);
  });

  it('stays finite when the growth overflows, and stays 0 with a zero base', () => {
    expect(computeBackoffDelay(5_000, policy)).toBe(1_000);
    expect(computeBackoffDelay(5_000, { ...policy, minDelayMs: 0 })).toBe(0);
  });
});

describe(resolveRetryPolicy, () => {
  it('means "no retries" for undefined and 0', () => {
    expect(resolveRetryPolicy(undefined)).toBeUndefined();
    expect(resolveRetryPolicy(0)).toBeUndefined();
    expect(resolveRetryPolicy({ retries: 0, minDelayMs: 5 })).toBeUndefined();
  });

  it('fills in the defaults for a plain count', () => {
    expect(resolveRetryPolicy(3)).toMatchObject({ retries: 3, minDelayMs: 100, maxDelayMs: 10_000, factor: 2, jitter: 0.5 });
  });

  it('never retries an abort, even when shouldRetry says yes', () => {
    const byDefault = resolveRetryPolicy(1);
    const eager = resolveRetryPolicy({ retries: 1, shouldRetry: () => true });
    expect(byDefault?.shouldRetry(new Error('flaky'), 1)).toBe(true);
    expect(byDefault?.shouldRetry(new AbortedError(), 1)).toBe(false);
    expect(eager?.shouldRetry(new AbortedError(), 1)).toBe(false);
    expect(eager?.shouldRetry(new Error('flaky'), 1)).toBe(true);
  });

  it.each([
    [-1, '`retries`'],
    [Number.POSITIVE_INFINITY, '`retries`'],
    [null, '`retries`'],
    [{ retries: 2.5 }, '`retries.retries`'],
    [{ retries: 1, minDelayMs: Number.NaN }, '`retries.minDelayMs`'],
    [{ retries: 1, maxDelayMs: Number.POSITIVE_INFINITY }, '`retries.maxDelayMs`'],
    [{ retries: 1, factor: '2' }, '`retries.factor`'],
    [{ retries: 1, jitter: -0.1 }, '`retries.jitter`'],
  ])('rejects %j with a TypeError naming %s', (value, field) => {
    expect(() => resolveRetryPolicy(value)).toThrow(TypeError);
    expect(() => resolveRetryPolicy(value)).toThrow(field);
  });
});
