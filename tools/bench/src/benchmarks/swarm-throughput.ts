import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startLlmSim, type LlmSim } from '@whitebox/llm-sim';
import { defineBenchmark } from '../define-benchmark.js';
import { runSwarmCli, writeSwarmTasks } from './swarm-bench-support.js';

const TASKS = 2000;
const LATENCY_MS = 200;
const WORKERS = 50;
// 200 requests a second, below the workers' 250 (50 ÷ 0.2 s): the rate limit is the binding min().
const RPM = 12_000;
// swarm's default: a second of quota may go out at once.
const BURST_SECONDS = 1;

/**
 * The fastest any client could finish: each task starts as soon as a worker is free and the
 * request bucket (the same one swarm keeps: `rpm / 60` a second, `BURST_SECONDS` of quota deep,
 * full at the start) holds a request, and takes exactly the simulated latency. This is
 * min(workers ÷ latency, rpm ÷ 60) applied task by task, with the start-up burst credited, so
 * the ratio is not flattered by it.
 */
export function idealScheduleMs(tasks: number, workers: number, latencyMs: number, rpm: number, burstSeconds: number): number {
  const perMs = rpm / 60_000;
  const capacity = Math.max(1, (rpm / 60) * burstSeconds);
  const free = new Array<number>(workers).fill(0);
  let level = capacity;
  let at = 0;
  let end = 0;
  for (let i = 0; i < tasks; i++) {
    let worker = 0;
    for (let w = 1; w < workers; w++) if ((free[w] as number) < (free[worker] as number)) worker = w;
    let start = Math.max(free[worker] as number, at);
    level = Math.min(capacity, level + (start - at) * perMs);
    if (level < 1) {
      start += (1 - level) / perMs;
      level = 1;
    }
    level -= 1;
    at = start;
    free[worker] = start + latencyMs;
    end = Math.max(end, start + latencyMs);
  }
  return end;
}

let dir: string | undefined;
let sim: LlmSim | undefined;
let violations = 0;
let runs = 0;

/** issue 8: 2,000 tasks at 200 ms with 50 workers and an rpm limit, against the ideal schedule. */
export const swarmThroughput = defineBenchmark({
  name: 'swarm-throughput',
  description:
    `swarm run: ${TASKS} tasks at ${LATENCY_MS} ms (llm-sim), ${WORKERS} workers, --rpm ${RPM} (so rpm ÷ 60 = ${RPM / 60}/s < workers ÷ latency = ${WORKERS / (LATENCY_MS / 1000)}/s), ` +
    `vs the computed ideal schedule; swarm's own elapsed time (no Node start-up); zero rate-limit 429s from the simulator required`,
  pkg: '@whitebox/swarm',
  runs: 3,
  warmup: 0,
  setup: async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'whitebox-bench-swarm-'));
    await writeSwarmTasks(path.join(dir, 'tasks.jsonl'), TASKS);
    sim = await startLlmSim({ seed: 1, latency: { type: 'fixed', ms: LATENCY_MS }, rpm: RPM });
    violations = 0;
    runs = 0;
  },
  teardown: async () => {
    await sim?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    process.stderr.write(`  swarm-throughput: ${violations} rate-limit violations counted by llm-sim over ${runs} runs\n`);
    if (violations > 0) throw new Error(`swarm-throughput: llm-sim refused ${violations} requests for the rate limit; expected none`);
  },
  baseline: {
    label: 'ideal schedule (computed)',
    run: () => idealScheduleMs(TASKS, WORKERS, LATENCY_MS, RPM, BURST_SECONDS),
  },
  candidate: {
    label: `swarm --workers ${WORKERS} --rpm ${RPM}`,
    run: async () => {
      const cwd = dir as string;
      await rm(path.join(cwd, 'results.jsonl'), { force: true });
      const { summary } = await runSwarmCli(['tasks.jsonl', '--out', 'results.jsonl', '--workers', String(WORKERS), '--rpm', String(RPM)], {
        cwd,
        baseURL: (sim as LlmSim).baseURL,
      });
      if (summary.done !== TASKS) throw new Error(`swarm finished ${summary.done} of ${TASKS} tasks`);
      violations += (sim as LlmSim).log().requests.filter((entry) => entry.fault === 'rate-limit').length;
      runs++;
      (sim as LlmSim).reset();
      return summary.elapsedMs;
    },
  },
  targets: [{ metric: 'speedup', min: 0.95, note: 'issue 8: achieved ÷ ideal throughput ≥ 0.95' }],
});
