import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencyFigures } from './perf-report.js';

/** Microsecond resolution up to a day: 3 significant digits keep percentiles within 0.1 %. */
const HISTOGRAM_OPTIONS = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 86_400_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

/**
 * Latencies of one hook, tool or event in constant memory: percentiles from an HDR histogram
 * (hdr-histogram-js), count, total and max kept exactly.
 */
export class LatencyHistogram {
  #histogram: Histogram | undefined;
  /** Values recorded. */
  count = 0;
  /** Sum of the values, ms. */
  total = 0;
  /** Largest value, ms. */
  max = 0;

  /** Adds one latency in milliseconds. */
  record(ms: number): void {
    // Allocated on first use: a row that only exists for the previous period costs nothing here.
    this.#histogram ??= hdr.build(HISTOGRAM_OPTIONS);
    this.#histogram.recordValue(Math.min(HISTOGRAM_OPTIONS.highestTrackableValue, Math.max(1, Math.round(ms * 1000))));
    this.count += 1;
    this.total += ms;
    if (ms > this.max) this.max = ms;
  }

  /** The value at `percentile` (0–100), ms; 0 when empty. */
  percentile(percentile: number): number {
    if (this.#histogram === undefined || this.count === 0) return 0;
    return Math.min(this.max, this.#histogram.getValueAtPercentile(percentile) / 1000);
  }

  /** Count, p50, p95, p99, max and total. */
  figures(): LatencyFigures {
    return {
      count: this.count,
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.max),
      total: round(this.total),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
