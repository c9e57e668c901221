import { describe, expect, it } from 'vitest';
import { createPrng } from './create-prng.js';
import { latencyModelSchema, parseLatencySpec, sampleLatency } from './latency-model.js';

describe(parseLatencySpec, () => {
  it('parses every command-line form', () => {
    expect(parseLatencySpec('250')).toEqual({ type: 'fixed', ms: 250 });
    expect(parseLatencySpec('fixed:2.5')).toEqual({ type: 'fixed', ms: 2.5 });
    expect(parseLatencySpec('uniform:100-400')).toEqual({ type: 'uniform', minMs: 100, maxMs: 400 });
    expect(parseLatencySpec(' normal:3000,300 ')).toEqual({ type: 'normal', meanMs: 3000, stdDevMs: 300 });
  });

  it('rejects anything else, naming the spec and the accepted forms', () => {
    for (const bad of ['', 'fast', '-5', 'uniform:400-100', 'normal:3000', 'fixed:']) {
      expect(() => parseLatencySpec(bad)).toThrow(`got ${JSON.stringify(bad)}`);
    }
    expect(() => parseLatencySpec('x')).toThrow('Expected a latency like 250, fixed:250, uniform:100-400 or normal:3000,300');
  });
});

describe(sampleLatency, () => {
  it('samples fixed, uniform and normal models within their bounds, repeatably for a seed', () => {
    const prng = createPrng(1);
    expect(sampleLatency({ type: 'fixed', ms: 12.4 }, prng)).toBe(12);
    const uniform = Array.from({ length: 500 }, () => sampleLatency({ type: 'uniform', minMs: 10, maxMs: 20 }, prng));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(20);
    const normal = (seed: number) => {
      const p = createPrng(seed);
      return Array.from({ length: 2000 }, () => sampleLatency({ type: 'normal', meanMs: 300, stdDevMs: 50 }, p));
    };
    const samples = normal(5);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(290);
    expect(mean).toBeLessThan(310);
    expect(normal(5)).toEqual(samples);
    const clamped = Array.from({ length: 200 }, () => sampleLatency({ type: 'normal', meanMs: 10, stdDevMs: 100, minMs: 5 }, prng));
    expect(Math.min(...clamped)).toBe(5);
  });
});

describe('latencyModelSchema', () => {
  it('accepts a bare number as fixed and rejects negative or inverted ranges', () => {
    expect(latencyModelSchema.parse(7)).toEqual({ type: 'fixed', ms: 7 });
    expect(latencyModelSchema.safeParse(-1).success).toBe(false);
    expect(latencyModelSchema.safeParse({ type: 'uniform', minMs: 3, maxMs: 1 }).success).toBe(false);
    expect(latencyModelSchema.safeParse({ type: 'fixed', ms: 1, extra: 1 }).success).toBe(false);
  });
});
