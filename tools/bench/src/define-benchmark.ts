/**
 * One side of a comparison: something timed once per run.
 * `run` returns nothing (the harness times it) or its own measured milliseconds, for benchmarks
 * that must exclude set-up such as spawning a server.
 */
export interface BenchSide {
  /** Shown in tables, e.g. `p-map` or `sequential`. */
  readonly label: string;
  /** One timed repetition. */
  readonly run: () => Promise<number | void> | number | void;
}

/**
 * A pass/fail target. `metric` names what is compared:
 * - `candidate`: the candidate's median milliseconds;
 * - `speedup`: baseline ÷ candidate (higher is better);
 * - `relative`: candidate ÷ baseline (lower is better; 1.0 means "no slower").
 */
export interface BenchTarget {
  readonly metric: 'candidate' | 'speedup' | 'relative';
  readonly min?: number;
  readonly max?: number;
  /** Where the target comes from, e.g. the issue that set it. */
  readonly note?: string;
}

/** A benchmark: a baseline and a candidate measured in the same run, repeated. */
export interface Benchmark {
  /** Short kebab-case name; `pnpm bench <name>` runs only this one. */
  readonly name: string;
  /** One sentence for the table. */
  readonly description: string;
  /** Which package it measures. */
  readonly pkg: string;
  /** Repetitions after warm-up. @default 7 */
  readonly runs?: number;
  /** Untimed repetitions first (JIT, caches, warm pools). @default 1 */
  readonly warmup?: number;
  /**
   * Runs each side once, untimed, right before each timed repetition of it, so that both sides are
   * measured on a busy CPU. For sub-second process starts compared with a mostly idle baseline: a
   * VM's CPU slows down while idle, and the process that follows pays for it. @default false
   */
  readonly warmEach?: boolean;
  /** Set-up before the first run (start servers, build pools); its result is passed to sides. */
  readonly setup?: () => Promise<void> | void;
  /** Tear-down after the last run, even when a run failed. */
  readonly teardown?: () => Promise<void> | void;
  readonly baseline: BenchSide;
  readonly candidate: BenchSide;
  readonly targets?: readonly BenchTarget[];
}

/** Identity helper that gives benchmark files their types. */
export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark;
}
