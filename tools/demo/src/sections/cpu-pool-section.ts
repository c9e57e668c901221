import { performance } from 'node:perf_hooks';
import { createCpuPool, runParallelCpu } from '@whitebox/parallel-core';
import { formatMs, type DemoSection } from '../demo-section.js';
import { hashRounds, ROUNDS } from './hash.worker.mjs';

const TASKS = 48;

/** CPU-bound work on the warm piscina pool against the same work on the main thread. */
export const cpuPoolSection: DemoSection = {
  title: `CPU pool: ${TASKS} tasks of ${ROUNDS.toLocaleString('en')} SHA-256 rounds`,
  run: async ({ out, c }) => {
    const seeds = Array.from({ length: TASKS }, (_, i) => `seed-${i}`);
    const pool = await createCpuPool<string, string>(new URL('./hash.worker.mjs', import.meta.url));
    try {
      let start = performance.now();
      const expected = seeds.map((seed) => hashRounds(seed, ROUNDS));
      const loop = performance.now() - start;

      start = performance.now();
      const digests = await runParallelCpu(pool, seeds);
      const pooled = performance.now() - start;

      out(`  main-thread loop          ${formatMs(loop).padStart(9)}`);
      out(`  runParallelCpu (${pool.threads} threads) ${formatMs(pooled).padStart(9)}   ${c.green(`${(loop / pooled).toFixed(1)}× faster`)}`);
      out(`  same digests as the loop: ${digests.every((d, i) => d === expected[i]) ? 'yes' : c.red('NO')}`);
    } finally {
      await pool.destroy();
    }
  },
};
