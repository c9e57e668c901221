import type { PerfOutcome } from '@whitebox/core';

/** Latency figures of one hook or tool, in milliseconds. Percentiles come from an HDR histogram (±0.1 %). */
export interface LatencyFigures {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Sum of all durations. */
  readonly total: number;
}

/** The same hook or tool in the previous period of equal length. */
export interface PreviousFigures {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly total: number;
}

/** One row of the hook table: one hook id under one event. */
export interface HookRow extends LatencyFigures {
  readonly event: string;
  readonly hook: string;
  /** Runs that ended in `error`. */
  readonly failures: number;
  readonly blocked: number;
  readonly timeouts: number;
  /** How many runs ended in each outcome. */
  readonly outcomes: Readonly<Partial<Record<PerfOutcome, number>>>;
  /** This hook's share of its event's total hook time, 0–1. */
  readonly share: number;
  /** The fraction of its event's firings in which it was on the critical path, 0–1. */
  readonly critical: number;
  /** Which runners produced the records. */
  readonly runners: readonly string[];
  readonly previous?: PreviousFigures;
  /** p95 change against the previous period, e.g. 0.25 for +25 %. */
  readonly p95Change?: number;
}

/** One row of the tool table. */
export interface ToolRow extends LatencyFigures {
  readonly tool: string;
  readonly failures: number;
  readonly previous?: PreviousFigures;
  readonly p95Change?: number;
}

/** A critical path seen in an event's firings. */
export interface CriticalPathFigures {
  /** Hook ids in the order they ran; parallel hooks are not on it, only the one that finished last. */
  readonly hooks: readonly string[];
  /** Firings whose wall time this path determined. */
  readonly firings: number;
  /** Mean wall time of those firings. */
  readonly meanWall: number;
}

/** Hooks of one event that ran one after another when they could have overlapped. */
export interface SequentialGroup {
  readonly hooks: readonly string[];
  /** Firings in which they ran sequentially. */
  readonly firings: number;
  /** Mean wall time of those firings. */
  readonly meanWall: number;
  /** Mean time saved per firing had they run in parallel (wall − slowest hook). */
  readonly meanSavable: number;
}

/** Per event: how long its hooks held Claude Code up, and what decided it. */
export interface EventRow {
  readonly event: string;
  /** Firings: the hooks one event invocation ran, grouped by session, event and tool call. */
  readonly firings: number;
  /** Wall time per firing, from the first hook's start to the last hook's end. */
  readonly wall: LatencyFigures;
  /** Sum of all hook durations of the event. */
  readonly hookTime: number;
  /** The most frequent critical paths, most frequent first. */
  readonly criticalPaths: readonly CriticalPathFigures[];
  readonly sequential: readonly SequentialGroup[];
}

/** A recommendation and the numbers behind it. */
export interface Suggestion {
  readonly kind: 'over-budget' | 'run-in-parallel' | 'constant-outcome' | 'frequent-timeouts' | 'timeout-units';
  readonly severity: 'high' | 'medium' | 'low';
  readonly event: string;
  readonly hooks: readonly string[];
  /** What to do, in one sentence. */
  readonly message: string;
  /** The measurements that led to it. */
  readonly evidence: string;
}

/** What the log held and what was skipped. */
export interface ReportInput {
  readonly file: string;
  /** False when the log does not exist (the report is then empty). */
  readonly exists: boolean;
  readonly lines: number;
  /** Records counted in the report period. */
  readonly records: number;
  /** Lines that were not JSON, e.g. cut off by a crash. */
  readonly malformed: number;
  /** Records with another format version `v`. */
  readonly unknownVersion: number;
  /** JSON lines that do not match the record format. */
  readonly invalid: number;
  /** Records whose `key` was already seen (double imports). */
  readonly duplicates: number;
  /** Records in the previous period, used for the trend. */
  readonly previousRecords: number;
}

/** Data for the HTML charts. */
export interface ReportCharts {
  /** Upper bounds (ms) of the latency buckets; the last bucket is open. */
  readonly bucketBoundsMs: readonly number[];
  /** Per hook (top hooks by total time): how many runs fell in each bucket. */
  readonly distribution: readonly { readonly label: string; readonly counts: readonly number[] }[];
  /** Bucket width of the time series, ms. */
  readonly intervalMs: number;
  /** Start of each time bucket, ISO. */
  readonly times: readonly string[];
  /** Per hook: approximate p95 per time bucket, `null` where it did not run. */
  readonly overTime: readonly { readonly label: string; readonly p95: readonly (number | null)[] }[];
}

/** Everything `perf-tracker report` shows, in every format. */
export interface PerfReport {
  readonly generatedAt: string;
  /** The period reported on; `since` is `null` for all time. */
  readonly period: { readonly since: string | null; readonly until: string };
  /** The period of equal length before it, for the trend; `null` for all time. */
  readonly previousPeriod: { readonly since: string; readonly until: string } | null;
  readonly filters: { readonly event?: string; readonly hook?: string };
  readonly budgetMs: number;
  readonly input: ReportInput;
  /** Slowest (highest p95) first. */
  readonly hooks: readonly HookRow[];
  readonly tools: readonly ToolRow[];
  readonly events: readonly EventRow[];
  readonly suggestions: readonly Suggestion[];
  readonly charts: ReportCharts;
}
