import { describeValue } from '@whitebox/core';

/** One group of items and the sum of their weights. */
export interface Batch<T> {
  /** The items, heaviest first. */
  readonly items: readonly T[];
  /** The sum of the items' weights. */
  readonly weight: number;
}

/**
 * Splits items into `count` batches of nearly equal total weight with the LPT rule (longest
 * processing time first): items sorted by weight, heaviest first, each into the currently
 * lightest batch. The heaviest batch is then at most `total / count + heaviest item`, hence at most
 * the optimum plus the heaviest item, and at most 4/3 of the optimum (Graham, 1969).
 *
 * Deterministic: equal weights keep their input order, and ties between batches go to the lowest
 * index. Batches that would stay empty (more batches than items) are dropped, and the result is
 * ordered heaviest batch first.
 *
 * @param weightOf - A finite number ≥ 0 per item, e.g. its bytes or lines.
 * @throws {TypeError} when `count` is not an integer ≥ 1 or a weight is negative or not finite.
 * @example
 * balanceBatches([7, 5, 4, 3, 1], 2, (n) => n); // weights [10, 10]
 */
export function balanceBatches<T>(items: readonly T[], count: number, weightOf: (item: T) => number): Batch<T>[] {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new TypeError(`Expected \`count\` to be an integer ≥ 1, got ${describeValue(count)}`);
  }
  if (typeof weightOf !== 'function') {
    throw new TypeError(`Expected \`weightOf\` to be a function, got ${describeValue(weightOf)}`);
  }
  const weighted = items.map((item, index) => {
    const weight = weightOf(item);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new TypeError(`Expected the weight of item ${index} to be a finite number ≥ 0, got ${describeValue(weight)}`);
    }
    return { item, weight, index };
  });
  weighted.sort((a, b) => b.weight - a.weight || a.index - b.index);

  const bins = Array.from({ length: Math.min(count, weighted.length) }, () => ({ items: [] as T[], weight: 0 }));
  for (const { item, weight } of weighted) {
    // A linear scan: batches number in the tens (one sub-agent each), a heap would not pay off.
    let lightest = bins[0]!;
    for (const bin of bins) if (bin.weight < lightest.weight) lightest = bin;
    lightest.items.push(item);
    lightest.weight += weight;
  }
  return bins.sort((a, b) => b.weight - a.weight);
}
