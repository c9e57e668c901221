/** Min, median and max of a sample. */
export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/**
 * Summarises a sample. The median of an even-sized sample is the mean of the middle two.
 *
 * @throws TypeError on an empty sample or a non-finite value.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new TypeError('Expected at least one value to summarize, got an empty list');
  for (const value of values) {
    if (!Number.isFinite(value)) throw new TypeError(`Expected finite numbers, got \`${value}\` (${typeof value})`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}
