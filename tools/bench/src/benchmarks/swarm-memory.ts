import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLlmSim, type LlmSim } from '@whitebox/llm-sim';
import { defineBenchmark } from '../define-benchmark.js';
import { runSwarmCli, writeSwarmTasks } from './swarm-bench-support.js';

// The 100,000 tasks take over a minute of HTTP round trips on a 2-core machine, past the
// benchmark budget; SWARM_BENCH_TASKS=100000 runs the full size.
const TASKS = Number(process.env['SWARM_BENCH_TASKS'] ?? 25_000);
const SMALL = Math.max(1, Math.round(TASKS / 10));

let dir: string | undefined;
let sim: LlmSim | undefined;

async function peakRss(file: string): Promise<number> {
  const cwd = dir as string;
  await rm(path.join(cwd, 'results.jsonl'), { force: true });
  const { peakRssMb } = await runSwarmCli([file, '--out', 'results.jsonl'], { cwd, baseURL: (sim as LlmSim).baseURL });
  // The request log would otherwise grow in this process, not in the child being measured.
  (sim as LlmSim).reset();
  return peakRssMb;
}

/** issue 8: memory stays flat with tasks streamed from disk; the figures are MB of peak RSS, not ms. */
export const swarmMemory = defineBenchmark({
  name: 'swarm-memory',
  description:
    `swarm run: peak RSS of the child in MB (shown in the ms columns) for ${TASKS.toLocaleString('en-US')} tasks streamed from disk vs ${SMALL.toLocaleString('en-US')}, ` +
    `instant-latency llm-sim, 50 workers${TASKS < 100_000 ? '; scaled from 100,000 to fit the time budget (SWARM_BENCH_TASKS=100000 for the full size)' : ''}`,
  pkg: '@whitebox/swarm',
  runs: 1,
  warmup: 0,
  setup: async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'whitebox-bench-swarm-memory-'));
    await writeSwarmTasks(path.join(dir, 'large.jsonl'), TASKS);
    await writeSwarmTasks(path.join(dir, 'small.jsonl'), SMALL);
    sim = await startLlmSim({ seed: 1 });
  },
  teardown: async () => {
    await sim?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  },
  baseline: { label: `${SMALL.toLocaleString('en-US')} tasks (MB)`, run: () => peakRss('small.jsonl') },
  candidate: { label: `${TASKS.toLocaleString('en-US')} tasks (MB)`, run: () => peakRss('large.jsonl') },
  targets: [
    { metric: 'candidate', max: 150, note: 'issue 8: ≤ 150 MB RSS (the value is MB, not ms)' },
    { metric: 'relative', max: 1.25, note: 'flat: 10× the tasks, at most 25 % more memory' },
  ],
});
