import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_PRICES, priceFor } from './pricing.js';
import { estimateTokens, estimateUsage } from './usage-estimate.js';

describe(priceFor, () => {
  it('matches exactly first, then by the longest prefix', () => {
    expect(priceFor('gpt-4o')).toBe(DEFAULT_PRICES['gpt-4o']);
    expect(priceFor('gpt-4o-mini-2024-07-18')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
    expect(priceFor('gpt-4o-2024-08-06')).toBe(DEFAULT_PRICES['gpt-4o']);
  });

  it('returns undefined for an unknown model, so its cost stays unknown', () => {
    expect(priceFor('llama3.2')).toBeUndefined();
    expect(costOf({ promptTokens: 10, completionTokens: 10 }, priceFor('llama3.2'))).toBeUndefined();
  });

  it('uses the given table', () => {
    expect(priceFor('llama3.2', { llama: { input: 0, output: 0 } })).toEqual({ input: 0, output: 0 });
  });
});

describe(costOf, () => {
  it('prices input and output tokens per million', () => {
    expect(costOf({ promptTokens: 1_000_000, completionTokens: 500_000 }, { input: 2, output: 8 })).toBe(6);
    expect(costOf({ promptTokens: 1200, completionTokens: 300 }, { input: 0.15, output: 0.6 })).toBeCloseTo(0.00036, 10);
  });
});

describe(estimateUsage, () => {
  it('counts four characters per token plus per-message framing, and marks the result estimated', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateUsage([{ content: 'x'.repeat(40) }, { content: 'y'.repeat(8) }], 'z'.repeat(12))).toEqual({
      promptTokens: 10 + 4 + 2 + 4,
      completionTokens: 3,
      totalTokens: 23,
      estimated: true,
    });
  });
});
