// The concrete class, not the package index: the index also loads the WebAssembly build, pako and
// the log writer, whose Intl formatters alone cost tens of milliseconds at start-up.
import int32Module from 'hdr-histogram-js/dist/Int32Histogram.js';
import type { LatencyFigures } from './perf-report.js';

/** Microsecond resolution up to a day: 3 significant digits keep percentiles within 0.1 %. */
const LOWEST_US = 1;
const HIGHEST_US = 86_400_000_000;
const SIGNIFICANT_DIGITS = 3;

type Int32HistogramClass = typeof int32Module.default;
// A CommonJS module with `exports.default`: Node (and the bundle) hand over the whole `exports`,
// while vitest's interop already unwraps `default`.
const Int32Histogram: Int32HistogramClass =
  (int32Module as { default?: Int32HistogramClass }).default ?? (int32Module as unknown as Int32HistogramClass);

/**
 * Latencies of one hook, tool or event in constant memory: percentiles from an HDR histogram
 * (hdr-histogram-js), count, total and max kept exactly.
 */
export class LatencyHistogram {
  #histogram: InstanceType<typeof Int32Histogram> | undefined;
  /** Values recorded. */
  count = 0;
  /** Sum of the values, ms. */
  total = 0;
  /** Largest value, ms. */
  max = 0;

  /** Adds one latency in milliseconds. */
  record(ms: number): void {
    // Allocated on first use: a row that only exists for the previous period costs nothing here.
    this.#histogram ??= new Int32Histogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS);
    this.#histogram.recordValue(Math.min(HIGHEST_US, Math.max(LOWEST_US, Math.round(ms * 1000))));
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
