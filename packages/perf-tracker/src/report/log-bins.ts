/** Bins per doubling: about 19 % wide, plenty for a chart. */
const BINS_PER_OCTAVE = 4;
const LOWEST_MS = 0.1;
const BIN_COUNT = 96;

/**
 * A tiny approximate latency histogram for charts: one per hook per time bucket, where an HDR
 * histogram each would cost too much memory. Log-spaced bins from 0.1 ms to about 1.8 hours.
 */
export class LogBins {
  readonly #counts = new Uint32Array(BIN_COUNT);
  #count = 0;

  /** Adds one latency in milliseconds. */
  record(ms: number): void {
    const index = ms <= LOWEST_MS ? 0 : Math.min(BIN_COUNT - 1, Math.floor(Math.log2(ms / LOWEST_MS) * BINS_PER_OCTAVE));
    this.#counts[index]! += 1;
    this.#count += 1;
  }

  /** The upper edge of the bin holding `percentile` (0–100), ms; `null` when empty. */
  percentile(percentile: number): number | null {
    if (this.#count === 0) return null;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BIN_COUNT; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.round(LOWEST_MS * 2 ** ((i + 1) / BINS_PER_OCTAVE) * 100) / 100;
    }
    return null;
  }
}
