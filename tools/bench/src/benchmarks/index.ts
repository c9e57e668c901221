import type { Benchmark } from '../define-benchmark.js';
import { cpuPool } from './cpu-pool.js';
import { runParallelOverhead } from './run-parallel-overhead.js';
import { runParallelWall } from './run-parallel-wall.js';

/** Every benchmark `pnpm bench` knows, in the order the README lists them. */
export const benchmarks: readonly Benchmark[] = [runParallelOverhead, runParallelWall, cpuPool];
