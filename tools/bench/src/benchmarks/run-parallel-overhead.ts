import pMap from 'p-map';
import { runParallel } from '@whitebox/parallel-core';
import { defineBenchmark } from '../define-benchmark.js';

const ITEMS = 100_000;
const items = Array.from({ length: ITEMS }, (_, i) => i);
const noop = async (x: number): Promise<number> => x;

/** Per-item scheduling overhead: the work is nothing, so everything measured is the pool. */
export const runParallelOverhead = defineBenchmark({
  name: 'run-parallel-overhead',
  description: `${ITEMS.toLocaleString('en')} no-op async items, 50 workers`,
  pkg: '@whitebox/parallel-core',
  runs: 9,
  warmup: 2,
  baseline: { label: 'p-map', run: async () => void (await pMap(items, noop, { concurrency: 50 })) },
  candidate: { label: 'runParallel', run: async () => void (await runParallel(noop, items)) },
  targets: [{ metric: 'relative', max: 1.0, note: 'issue 2: per-item overhead no worse than p-map' }],
});
