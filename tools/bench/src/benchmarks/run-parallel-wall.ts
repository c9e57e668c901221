import { setTimeout as sleep } from 'node:timers/promises';
import { runParallel } from '@whitebox/parallel-core';
import { defineBenchmark } from '../define-benchmark.js';

const HOOKS = 21;
const WAIT_MS = 50;
const items = Array.from({ length: HOOKS }, (_, i) => i);

/** The prompt-hook case of the original design: 21 hooks of 50 ms, one after another vs at once. */
export const runParallelWall = defineBenchmark({
  name: 'run-parallel-wall',
  description: `${HOOKS} items that each wait ${WAIT_MS} ms`,
  pkg: '@whitebox/parallel-core',
  runs: 7,
  baseline: {
    label: 'sequential',
    run: async () => {
      for (const _ of items) await sleep(WAIT_MS);
    },
  },
  candidate: { label: 'runParallel', run: async () => void (await runParallel(() => sleep(WAIT_MS), items)) },
  targets: [
    { metric: 'candidate', max: 70, note: 'issue 2: wall ≤ 70 ms' },
    { metric: 'speedup', min: 15, note: 'sequential is ≥ 1,050 ms' },
  ],
});
