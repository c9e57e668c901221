import { describe, expect, it } from 'vitest';
import { summarize } from './stats.js';

describe(summarize, () => {
  it('returns min, median and max of an odd-sized sample regardless of order', () => {
    expect(summarize([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5 });
  });

  it('averages the middle two values of an even-sized sample', () => {
    expect(summarize([4, 1, 2, 10])).toEqual({ min: 1, median: 3, max: 10 });
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    summarize(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects an empty sample and non-finite values', () => {
    expect(() => summarize([])).toThrow(/empty list/);
    expect(() => summarize([1, Number.NaN])).toThrow(/`NaN` \(number\)/);
  });
});
