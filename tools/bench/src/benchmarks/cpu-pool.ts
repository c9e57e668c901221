import { performance } from 'node:perf_hooks';
import { createCpuPool, runParallelCpu, type CpuPool } from '@whitebox/parallel-core';
import { defineBenchmark } from '../define-benchmark.js';
import { burn } from './cpu-burn.worker.mjs';

const TASKS = 200;
const TARGET_TASK_MS = 20;
const workerFile = new URL('./cpu-burn.worker.mjs', import.meta.url);

let pool: CpuPool | undefined;
let iterations = 1_000_000;

/** Finds how many iterations take about 20 ms on this machine, so the figure means the same everywhere. */
function calibrate(): number {
  burn(iterations);
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    burn(iterations);
    const took = performance.now() - start;
    iterations = Math.max(1, Math.round((iterations * TARGET_TASK_MS) / took));
  }
  return iterations;
}

/** CPU-bound work: the warm piscina pool against a plain loop on the main thread. */
export const cpuPool = defineBenchmark({
  name: 'cpu-pool',
  description: `${TASKS} CPU tasks of about ${TARGET_TASK_MS} ms`,
  pkg: '@whitebox/parallel-core',
  runs: 5,
  setup: async () => {
    calibrate();
    pool = await createCpuPool(workerFile);
  },
  teardown: async () => {
    await pool?.destroy();
  },
  baseline: {
    label: 'plain loop',
    run: () => {
      for (let i = 0; i < TASKS; i++) burn(iterations);
    },
  },
  candidate: {
    label: 'runParallelCpu',
    run: async () => void (await runParallelCpu(pool!, Array.from({ length: TASKS }, () => iterations))),
  },
  targets: [{ metric: 'speedup', min: 1.8, note: 'issue 2: ≥ 1.8× on 2 cores' }],
});
