import { describe, expect, it } from 'vitest';
import { balanceBatches } from './balance-batches.js';

const identity = (n: number): number => n;
const weights = (batches: ReturnType<typeof balanceBatches<number>>): number[] => batches.map((b) => b.weight);

/** The optimal makespan by trying every assignment; fine for up to ~9 items. */
function optimalMax(items: readonly number[], count: number): number {
  const loads = new Array<number>(count).fill(0);
  let best = Number.POSITIVE_INFINITY;
  const sorted = [...items].sort((a, b) => b - a);
  const place = (i: number): void => {
    const current = Math.max(...loads);
    if (current >= best) return;
    if (i === sorted.length) {
      best = current;
      return;
    }
    const tried = new Set<number>();
    for (let b = 0; b < count; b++) {
      // Two bins with the same load are interchangeable.
      if (tried.has(loads[b]!)) continue;
      tried.add(loads[b]!);
      loads[b]! += sorted[i]!;
      place(i + 1);
      loads[b]! -= sorted[i]!;
    }
  };
  place(0);
  return best;
}

/** mulberry32: a seeded PRNG so the random cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(balanceBatches, () => {
  it('splits small cases exactly as LPT does', () => {
    const two = balanceBatches([7, 5, 4, 3, 1], 2, identity);
    expect(two.map((b) => b.items)).toEqual([
      [7, 3],
      [5, 4, 1],
    ]);
    expect(weights(two)).toEqual([10, 10]);
    expect(weights(balanceBatches([8, 7, 6, 5, 4], 3, identity))).toEqual([11, 11, 8]);
    expect(balanceBatches([5, 1, 1, 1, 1, 1], 2, identity).map((b) => b.items)).toEqual([
      [5],
      [1, 1, 1, 1, 1],
    ]);
  });

  it('reproduces the textbook case where LPT misses the optimum, within the 4/3 bound', () => {
    // Optimum is {3,3} {2,2,2} = 6; LPT gives 7 = (4/3 − 1/(3·2))·6.
    const batches = balanceBatches([3, 3, 2, 2, 2], 2, identity);
    expect(weights(batches)).toEqual([7, 5]);
    expect(optimalMax([3, 3, 2, 2, 2], 2)).toBe(6);
  });

  it('stays within optimum + largest item and 4/3 of the optimum on 300 random cases', () => {
    const random = prng(20_240_501);
    for (let round = 0; round < 300; round++) {
      const size = 1 + Math.floor(random() * 9);
      const count = 1 + Math.floor(random() * 4);
      const items = Array.from({ length: size }, () => 1 + Math.floor(random() * 1000));
      const batches = balanceBatches(items, count, identity);
      const max = Math.max(...weights(batches));
      const optimum = optimalMax(items, Math.min(count, size));
      const total = items.reduce((a, b) => a + b, 0);
      const largest = Math.max(...items);
      const label = `${JSON.stringify(items)} into ${count}`;
      expect(max, label).toBeLessThanOrEqual(total / Math.min(count, size) + largest);
      expect(max, label).toBeLessThanOrEqual(optimum + largest);
      expect(max, label).toBeLessThanOrEqual((4 / 3) * optimum + 1e-9);
      // Nothing lost, nothing duplicated.
      expect(batches.flatMap((b) => b.items).sort((a, b) => a - b), label).toEqual([...items].sort((a, b) => a - b));
    }
  });

  it('drops batches that would stay empty and orders batches heaviest first', () => {
    const batches = balanceBatches([1, 9, 4], 10, identity);
    expect(batches.map((b) => b.items)).toEqual([[9], [4], [1]]);
    expect(balanceBatches([], 3, identity)).toEqual([]);
  });

  it('is deterministic: equal weights keep input order and ties go to the first batch', () => {
    const items = ['a', 'b', 'c', 'd'];
    expect(balanceBatches(items, 2, () => 1).map((b) => b.items)).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
  });

  it('weighs items with the given function', () => {
    const files = [
      { path: 'a', bytes: 10, lines: 900 },
      { path: 'b', bytes: 900, lines: 10 },
      { path: 'c', bytes: 500, lines: 500 },
    ];
    expect(balanceBatches(files, 2, (f) => f.lines).map((b) => b.items.map((f) => f.path))).toEqual([['a'], ['c', 'b']]);
    expect(balanceBatches(files, 2, (f) => f.bytes).map((b) => b.items.map((f) => f.path))).toEqual([['b'], ['c', 'a']]);
  });

  it('rejects a bad count or weight with a TypeError naming the value', () => {
    expect(() => balanceBatches([1], 0, identity)).toThrow(new TypeError('Expected `count` to be an integer ≥ 1, got number 0'));
    expect(() => balanceBatches([1], 1.5, identity)).toThrow(TypeError);
    expect(() => balanceBatches([1, 2], 1, (n) => (n === 2 ? -1 : n))).toThrow(
      new TypeError('Expected the weight of item 1 to be a finite number ≥ 0, got number -1'),
    );
    expect(() => balanceBatches([1], 1, () => Number.NaN)).toThrow(TypeError);
    expect(() => balanceBatches([1], 1, 'size' as unknown as (n: number) => number)).toThrow(
      new TypeError('Expected `weightOf` to be a function, got string "size"'),
    );
  });
});
