import { spawn } from 'node:child_process';
import { executeEvent } from './execute-event.js';
import type { ExecuteEventOptions } from './execute-event.js';

/** Options for {@link benchEvent}. */
export interface BenchEventOptions extends Omit<ExecuteEventOptions, 'hooks' | 'maxConcurrency' | 'signal'> {
  /** Timed repetitions of each way of running. @default 5 */
  readonly runs?: number;
  /**
   * The bundled `hook-executor` bin, to also time the one-shot command hook (`node <bin> run`)
   * as Claude Code would run it, Node start-up included. Omit to skip that column.
   */
  readonly bin?: string;
  /** The config file the one-shot run should use. */
  readonly configPath?: string;
  /** Called after each repetition, for progress. */
  readonly onRun?: (run: number, total: number) => void;
}

/** Milliseconds per repetition, and their median. */
export interface BenchSeries {
  readonly ms: readonly number[];
  readonly medianMs: number;
}

/** What {@link benchEvent} measured. */
export interface BenchEventResult {
  readonly event: string;
  /** How many hooks matched the input. */
  readonly hooks: number;
  readonly runs: number;
  /** The hooks one after another (what a sequential runner does). */
  readonly sequential: BenchSeries;
  /** The executor's engine in this process: the graph, in parallel. */
  readonly executor: BenchSeries;
  /** `node <bin> run --event E --no-forward`, as Claude Code runs it: start-up included. */
  readonly oneShot?: BenchSeries;
}

/**
 * Times the user's own hooks for one input: one after another, through the executor's engine, and
 * (with `bin`) as the one-shot command hook. Runs alternate so machine noise hits every column.
 * The hooks really run each time, side effects included.
 */
export async function benchEvent(options: BenchEventOptions): Promise<BenchEventResult> {
  const runs = options.runs ?? 5;
  if (!Number.isSafeInteger(runs) || runs < 1) throw new TypeError(`Expected \`runs\` to be an integer ≥ 1, got \`${String(runs)}\` (${typeof runs})`);
  const timed = async (work: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  const first = await executeEvent({ ...options, maxConcurrency: 1 });
  const sequential: number[] = [];
  const executor: number[] = [];
  const oneShot: number[] = [];
  for (let run = 1; run <= runs; run++) {
    sequential.push(await timed(() => executeEvent({ ...options, maxConcurrency: 1 })));
    executor.push(await timed(() => executeEvent(options)));
    if (options.bin !== undefined) oneShot.push(await timed(() => runOneShot(options)));
    options.onRun?.(run, runs);
  }
  return {
    event: options.event,
    hooks: first.hooks.length,
    runs,
    sequential: series(sequential),
    executor: series(executor),
    ...(options.bin !== undefined && { oneShot: series(oneShot) }),
  };
}

function runOneShot(options: BenchEventOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [options.bin as string, 'run', '--event', options.event, '--no-forward', ...(options.configPath ? ['--config', options.configPath] : [])];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? options.projectDir,
      // Benchmark runs must not land in the project's timing log.
      env: { ...process.env, ...options.env, CLAUDE_PROJECT_DIR: options.projectDir, HOOK_EXECUTOR_TIMINGS: '0' },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.once('error', reject);
    child.once('close', () => resolve());
    child.stdin.on('error', () => {});
    child.stdin.end(options.inputText ?? JSON.stringify(options.input));
  });
}

function series(ms: readonly number[]): BenchSeries {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { ms, medianMs: sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2 };
}
