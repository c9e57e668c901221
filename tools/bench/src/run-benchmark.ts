import { performance } from 'node:perf_hooks';
import type { Benchmark, BenchSide, BenchTarget } from './define-benchmark.js';
import { describeMachine, type Machine } from './machine.js';
import { summarize, type Summary } from './stats.js';

/** A side's measurements. */
export interface SideResult {
  readonly label: string;
  /** Milliseconds per run, in run order. */
  readonly ms: readonly number[];
  readonly summary: Summary;
}

/** A target with the value it was checked against. */
export interface TargetResult extends BenchTarget {
  readonly value: number;
  readonly pass: boolean;
}

/** What one benchmark produced; written as JSON under tools/bench/results/. */
export interface BenchmarkResult {
  readonly name: string;
  readonly description: string;
  readonly pkg: string;
  readonly date: string;
  readonly machine: Machine;
  readonly runs: number;
  readonly baseline: SideResult;
  readonly candidate: SideResult;
  /** baseline ÷ candidate, per run. */
  readonly speedup: Summary;
  /** candidate ÷ baseline, per run. */
  readonly relative: Summary;
  readonly targets: readonly TargetResult[];
}

/** Options for {@link runBenchmark}. */
export interface RunBenchmarkOptions {
  /** Overrides the benchmark's own run count. */
  readonly runs?: number;
  /** Called after each timed run, for progress. */
  readonly onRun?: (run: number, total: number, baselineMs: number, candidateMs: number) => void;
  /** @default performance.now */
  readonly now?: () => number;
}

/**
 * Runs a benchmark: warm-up, then `runs` paired repetitions of baseline and candidate. The order
 * alternates between runs so that neither side always pays for the other's garbage or always
 * gets a warm CPU. Ratios are computed per pair, then summarised, so machine noise that hits both
 * sides of one run cancels out.
 */
export async function runBenchmark(benchmark: Benchmark, options: RunBenchmarkOptions = {}): Promise<BenchmarkResult> {
  const now = options.now ?? (() => performance.now());
  const runs = options.runs ?? benchmark.runs ?? 7;
  const warmup = benchmark.warmup ?? 1;
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new TypeError(`Expected \`runs\` to be an integer ≥ 1, got \`${runs}\` (${typeof runs})`);
  }
  const timeSide = async (side: BenchSide): Promise<number> => {
    if (benchmark.warmEach === true) await side.run();
    const start = now();
    const reported = await side.run();
    return typeof reported === 'number' ? reported : now() - start;
  };

  await benchmark.setup?.();
  try {
    for (let i = 0; i < warmup; i++) {
      await timeSide(benchmark.baseline);
      await timeSide(benchmark.candidate);
    }
    const baselineMs: number[] = [];
    const candidateMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      let b: number;
      let c: number;
      if (run % 2 === 0) {
        b = await timeSide(benchmark.baseline);
        c = await timeSide(benchmark.candidate);
      } else {
        c = await timeSide(benchmark.candidate);
        b = await timeSide(benchmark.baseline);
      }
      baselineMs.push(b);
      candidateMs.push(c);
      options.onRun?.(run + 1, runs, b, c);
    }
    const speedup = summarize(baselineMs.map((b, i) => b / candidateMs[i]!));
    const relative = summarize(candidateMs.map((c, i) => c / baselineMs[i]!));
    const candidate = { label: benchmark.candidate.label, ms: candidateMs, summary: summarize(candidateMs) };
    const baseline = { label: benchmark.baseline.label, ms: baselineMs, summary: summarize(baselineMs) };
    return {
      name: benchmark.name,
      description: benchmark.description,
      pkg: benchmark.pkg,
      date: new Date().toISOString(),
      machine: describeMachine(),
      runs,
      baseline,
      candidate,
      speedup,
      relative,
      targets: (benchmark.targets ?? []).map((target) => checkTarget(target, { candidate: candidate.summary, speedup, relative })),
    };
  } finally {
    await benchmark.teardown?.();
  }
}

/** Checks a target against the medians. */
export function checkTarget(
  target: BenchTarget,
  medians: { readonly candidate: Summary; readonly speedup: Summary; readonly relative: Summary },
): TargetResult {
  const value = medians[target.metric].median;
  const pass = (target.min === undefined || value >= target.min) && (target.max === undefined || value <= target.max);
  return { ...target, value, pass };
}
