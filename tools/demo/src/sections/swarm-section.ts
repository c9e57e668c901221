import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLlmSim } from '@whitebox/llm-sim';
import { formatMs, type DemoSection } from '../demo-section.js';

const SWARM_BIN = fileURLToPath(new URL('../../../../packages/swarm/bin/swarm.js', import.meta.url));
const TASKS = 200;
const WORKERS = 50;
const LATENCY_MS = 100;

interface Summary {
  readonly done: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly ratePerSecond: number;
  readonly spentUsd: number;
}

/** Runs the bundled CLI; its progress bar goes straight to the terminal (stderr inherited). */
function swarm(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SWARM_BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** `swarm run` against an in-process llm-sim: 200 tasks of 100 ms with 50 workers, then `swarm status`. */
export const swarmSection: DemoSection = {
  title: `swarm run: ${TASKS} tasks of ${LATENCY_MS} ms with ${WORKERS} workers (llm-sim)`,
  run: async ({ out, c }) => {
    const sim = await startLlmSim({ seed: 8, latency: { type: 'normal', meanMs: LATENCY_MS, stdDevMs: 10 } });
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'whitebox-demo-swarm-'));
    try {
      const lines = Array.from({ length: TASKS }, (_, i) => JSON.stringify({ id: `review-${i}`, prompt: `Review change ${i} in one sentence.` }));
      await writeFile(path.join(cwd, 'tasks.jsonl'), `${lines.join('\n')}\n`);
      const env = { ...process.env, OPENAI_BASE_URL: sim.baseURL, OPENAI_API_KEY: 'sk-demo', WHITEBOX_MODEL: 'gpt-4o-mini' };
      const run = await swarm(
        ['run', 'tasks.jsonl', '--out', 'results.jsonl', '--workers', String(WORKERS), '--json', '--progress-interval', '250ms'],
        env,
        cwd,
      );
      if (run.code !== 0) throw new Error(`swarm run exited with ${run.code}`);
      const summary = JSON.parse(run.stdout) as Summary;
      const results = (await readFile(path.join(cwd, 'results.jsonl'), 'utf8')).trim().split('\n');
      // One request after another would take at least the sum of the latencies the simulator
      // planned for each call (measured latencies would flatter swarm: they include queueing).
      const sequentialMs = sim.log().requests.reduce((sum, entry) => sum + entry.latencyMs, 0);
      const speedup = sequentialMs / summary.elapsedMs;
      out(`  one at a time (sum of the ${results.length} simulated latencies) ${formatMs(sequentialMs).padStart(10)}   ${c.dim(`${(results.length / (sequentialMs / 1000)).toFixed(1)} tasks/s`)}`);
      out(
        `  swarm --workers ${WORKERS}                                ${formatMs(summary.elapsedMs).padStart(10)}   ` +
          `${c.green(`${speedup.toFixed(1)}× faster`)} ${c.dim(`(${summary.ratePerSecond.toFixed(0)} tasks/s, ideal ${(WORKERS / (LATENCY_MS / 1000)).toFixed(0)}/s, peak ${sim.log().highWaterMark} in flight)`)}`,
      );
      out(c.dim(`  ${summary.done} done, ${summary.failed} failed, $${summary.spentUsd.toFixed(4)} at gpt-4o-mini prices (swarm's own elapsed time, without Node start-up)`));
      out();
      const status = await swarm(['status', 'results.jsonl'], env, cwd);
      for (const line of status.stdout.trim().split('\n')) out(`  ${line}`);
    } finally {
      await sim.close();
      await rm(cwd, { recursive: true, force: true });
    }
  },
};
