import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

/** The bundled `swarm` CLI; `nx run-many -t build` makes it. */
export const SWARM_BIN = fileURLToPath(new URL('../../../../packages/swarm/bin/swarm.js', import.meta.url));

/** Writes `count` tasks as JSONL, streamed so that 100,000 of them never sit in memory. */
export async function writeSwarmTasks(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${JSON.stringify({ id: `task-${i}`, prompt: `Summarise item number ${i} in one line.` })}\n`)) {
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
  out.end();
  await finished(out);
}

/** What `swarm run --json` prints, the part the benchmarks read. */
export interface SwarmRunSummary {
  readonly done: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly ratePerSecond: number;
}

/** One `swarm run` of the bundled CLI, with the peak RSS of the child (Linux `/proc`). */
export interface SwarmRunOutcome {
  readonly summary: SwarmRunSummary;
  /** VmHWM of the child in MB, read every 50 ms until it exits. */
  readonly peakRssMb: number;
}

function readPeakRssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `swarm run <args> --json --quiet` against `baseURL` and fails loudly unless every task is done.
 *
 * @param cwd - Where the task and results files are.
 */
export function runSwarmCli(args: readonly string[], options: { readonly cwd: string; readonly baseURL: string }): Promise<SwarmRunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SWARM_BIN, 'run', ...args, '--json', '--quiet'], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: options.cwd, NO_COLOR: '1', OPENAI_BASE_URL: options.baseURL, OPENAI_API_KEY: 'sk-bench', WHITEBOX_MODEL: 'gpt-4o-mini' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    const poll = setInterval(() => {
      const kb = child.pid === undefined ? undefined : readPeakRssKb(child.pid);
      if (kb !== undefined) peakKb = Math.max(peakKb, kb);
    }, 50);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearInterval(poll);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) {
        reject(new Error(`swarm exited with ${code}: ${stderr.trim().slice(0, 500)}`));
        return;
      }
      const summary = JSON.parse(stdout) as SwarmRunSummary;
      if (summary.failed > 0) reject(new Error(`swarm: ${summary.failed} tasks failed`));
      else resolve({ summary, peakRssMb: peakKb / 1024 });
    });
  });
}
