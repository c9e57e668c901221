import { checkPerfRecord } from './check-perf-record.js';
import { forEachJsonLine } from './for-each-json-line.js';
import { createPerfAggregator } from './perf-aggregator.js';
import type { PerfAggregatorOptions } from './perf-aggregator.js';
import type { PerfReport } from './perf-report.js';

/** Options for {@link buildPerfReport}. */
export interface BuildPerfReportOptions extends PerfAggregatorOptions {
  /** The timing log, usually `.claude/memory/hook_performance.jsonl`. */
  readonly file: string;
  /** Stops reading; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * Streams a timing log into a report. Lines that are not JSON (such as one cut off by a crash),
 * records of another format version and records that do not match the format are counted and
 * skipped, never fatal; records repeated under the same `key` (a transcript imported twice) count
 * once. A missing log gives an empty report with `input.exists: false`.
 *
 * @example
 * const report = await buildPerfReport({ file: perfLogPath(process.cwd()), until: Date.now(), periodMs: 7 * 86_400_000 });
 */
export async function buildPerfReport(options: BuildPerfReportOptions): Promise<PerfReport> {
  const { file } = options;
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(`Expected \`file\` to be a non-empty string, got \`${String(file)}\` (${typeof file})`);
  }
  const aggregator = createPerfAggregator(options);
  let unknownVersion = 0;
  let invalid = 0;
  let duplicates = 0;
  const keys = new Set<string>();
  const parsed = { start: NaN };
  const read = await forEachJsonLine(
    file,
    (value) => {
      const record = checkPerfRecord(value, parsed);
      if (record === 'unknown-version') unknownVersion += 1;
      else if (record === 'invalid') invalid += 1;
      else if (record.key !== undefined && keys.has(record.key)) duplicates += 1;
      else {
        if (record.key !== undefined) keys.add(record.key);
        aggregator.add(record, parsed.start);
      }
    },
    options.signal ? { signal: options.signal } : {},
  );
  return aggregator.finish({
    file,
    exists: read.exists,
    lines: read.lines,
    malformed: read.malformed,
    unknownVersion,
    invalid,
    duplicates,
  });
}
