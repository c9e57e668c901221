import { describe, expect, it } from 'vitest';
import { createPrng, hashSeed } from './create-prng.js';

describe(createPrng, () => {
  it('replays the same sequence for the same seed and another for another seed', () => {
    const take = (seed: number) => Array.from({ length: 5 }, createPrng(seed).next);
    expect(take(1)).toEqual(take(1));
    expect(take(1)).not.toEqual(take(2));
    expect(take(1).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws integers in range, picks, shuffles without loss and refuses an empty pick', () => {
    const prng = createPrng(3);
    const ints = Array.from({ length: 300 }, () => prng.int(1, 3));
    expect(new Set(ints)).toEqual(new Set([1, 2, 3]));
    expect(['a', 'b']).toContain(prng.pick(['a', 'b']));
    const items = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = prng.shuffle(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
    expect(() => prng.pick([])).toThrow(RangeError);
  });
});

describe(hashSeed, () => {
  it('hashes parts to a stable 32-bit seed that depends on every part and its boundary', () => {
    expect(hashSeed('a', 1)).toBe(hashSeed('a', 1));
    expect(hashSeed('a', 1)).not.toBe(hashSeed('a', 2));
    expect(hashSeed('ab', 'c')).not.toBe(hashSeed('a', 'bc'));
    expect(Number.isInteger(hashSeed('x')) && hashSeed('x') >= 0 && hashSeed('x') < 2 ** 32).toBe(true);
  });
});
