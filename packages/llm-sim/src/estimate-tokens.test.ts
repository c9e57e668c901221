import { describe, expect, it } from 'vitest';
import { estimatePromptTokens, estimateTokens } from './estimate-tokens.js';

describe(estimateTokens, () => {
  it('counts one token per 4 code points, rounded up', () => {
    expect([estimateTokens(''), estimateTokens('abc'), estimateTokens('abcd'), estimateTokens('abcde'), estimateTokens('😀😀😀😀😀')]).toEqual([0, 1, 1, 2, 2]);
  });
});

describe(estimatePromptTokens, () => {
  it('adds 3 per message and 3 for the reply priming', () => {
    expect(estimatePromptTokens([])).toBe(3);
    expect(estimatePromptTokens(['abcd', 'abcdefgh'])).toBe(3 + (1 + 3) + (2 + 3));
  });
});
