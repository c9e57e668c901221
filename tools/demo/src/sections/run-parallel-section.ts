import { performance } from 'node:perf_hooks';
import { runParallel } from '@whitebox/parallel-core';
import { formatMs, type DemoSection } from '../demo-section.js';
import { runCommand } from '../run-command.js';

const HOOKS = 21;

/** 21 real child processes that each take 50 ms: one after another, then through runParallel. */
export const runParallelSection: DemoSection = {
  title: `runParallel: ${HOOKS} hook-like child processes of 50 ms each`,
  run: async ({ out, c }) => {
    const hooks = Array.from({ length: HOOKS }, (_, i) => `sleep 0.05 # hook ${i + 1}`);

    let start = performance.now();
    for (const hook of hooks) await runCommand(hook);
    const sequential = performance.now() - start;

    start = performance.now();
    const codes = await runParallel((hook) => runCommand(hook), hooks);
    const parallel = performance.now() - start;

    out(`  sequential loop          ${formatMs(sequential).padStart(9)}`);
    out(`  runParallel (${Math.min(HOOKS, 50)} workers)   ${formatMs(parallel).padStart(9)}   ${c.green(`${(sequential / parallel).toFixed(1)}× faster`)}`);
    out(`  exit codes: ${codes.every((code) => code === 0) ? 'all 0' : codes.join(', ')}`);
  },
};
