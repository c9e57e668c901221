/**
 * End-to-end: the bundled `bin/swarm.js` in a child process, against a real llm-sim over HTTP.
 * Nx builds the bundle first (`test` depends on `build-cli`); a bare `vitest run` builds it if missing.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLlmSim } from '@whitebox/llm-sim';
import type { LlmSim, LlmSimOptions } from '@whitebox/llm-sim';
import type { SwarmResult } from './swarm-result.js';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = fileURLToPath(new URL('../bin/swarm.js', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cwd: string;
let sim: LlmSim | undefined;

beforeAll(() => {
  if (!existsSync(BIN)) execFileSync('npx', ['tsx', '../../tools/esbuild/build-cli.ts'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
});
beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'swarm-e2e-'));
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(cwd, { recursive: true, force: true });
});

async function start(options: LlmSimOptions = {}): Promise<LlmSim> {
  sim = await startLlmSim({ seed: 11, latency: { type: 'fixed', ms: 5 }, ...options });
  return sim;
}

function spawnSwarm(args: readonly string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run>; stderr: () => string } {
  // A clean environment: nothing from the developer's shell (keys, base URLs) may leak in.
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: cwd,
      NO_COLOR: '1',
      OPENAI_BASE_URL: sim?.baseURL ?? '',
      OPENAI_API_KEY: 'sk-test',
      WHITEBOX_MODEL: 'gpt-4o-mini',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}

const swarm = (args: readonly string[], env?: Record<string, string>): Promise<Run> => spawnSwarm(args, env).done;

async function until(condition: () => boolean, what: string, limitMs = 5000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function writeTasks(count: number, name = 'tasks.jsonl'): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `task-${i}`);
  await writeFile(path.join(cwd, name), ids.map((id, i) => JSON.stringify({ id, prompt: `Tell me about ${i}` })).join('\n') + '\n');
  return ids;
}

function resultLines(file = 'results.jsonl'): string[] {
  const target = path.join(cwd, file);
  if (!existsSync(target)) return [];
  return readFileSync(target, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

const results = (file?: string): SwarmResult[] => resultLines(file).map((line) => JSON.parse(line) as SwarmResult);
const chatRequests = (): number => sim?.log().requests.filter((entry) => entry.path === '/v1/chat/completions').length ?? 0;

describe('swarm run (bundled CLI)', () => {
  it('reports malformed lines and duplicate ids with line numbers, exits 2 and sends nothing', async () => {
    await start();
    await writeFile(
      path.join(cwd, 'tasks.jsonl'),
      ['{"id":"a","prompt":"one"}', '{"id":"b","prompt":', '{"id":"a","prompt":"two"}', '{"id":"c"}', '{"id":"d","prompt":"ok"}'].join('\n'),
    );
    const run = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tasks.jsonl: 3 problems; nothing was sent');
    expect(run.stderr).toMatch(/line 2: not valid JSON/);
    expect(run.stderr).toContain('line 3: duplicate id "a" (first on line 1)');
    expect(run.stderr).toContain('line 4: prompt: a task needs `prompt` or `messages`');
    expect(chatRequests()).toBe(0);
    expect(existsSync(path.join(cwd, 'results.jsonl'))).toBe(false);
  });

  it('reports template rows without a value, and usage errors, with exit 2', async () => {
    await start();
    await writeFile(path.join(cwd, 'prompt.md'), 'Review {{file}} for {{topic}}');
    await writeFile(path.join(cwd, 'rows.csv'), 'id,file,topic\nr1,a.ts,bugs\nr2,b.ts\n');
    const run = await swarm(['run', '--template', 'prompt.md', '--data', 'rows.csv', '--out', 'results.jsonl']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('line 3: no value for {{topic}}');
    expect(chatRequests()).toBe(0);

    expect((await swarm(['run', '--out', 'results.jsonl'])).stderr).toContain('no tasks: pass tasks.jsonl');
    expect((await swarm(['run', 'tasks.jsonl', '--out', 'r.jsonl', '--workers', '0'])).code).toBe(2);
    expect((await swarm(['run', 'tasks.jsonl'])).stderr).toContain('Missing required argument: out');
  });

  it('runs every task, shows progress lines and a summary, and prints a JSON summary with --json', async () => {
    await start({ latency: { type: 'fixed', ms: 20 } });
    const ids = await writeTasks(40);
    const run = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--workers', '8', '--progress-interval', '20ms', '--json']);
    expect(run.code).toBe(0);
    expect(results().map((result) => result.id).sort()).toEqual([...ids].sort());
    expect(run.stderr).toMatch(/swarm: +\d+% \d+\/40 finished \| \d+ failed \| \d+ in flight \| [\d.]+\/s \| ETA \S+ \| \$\d/);
    expect(run.stderr).toMatch(/swarm: 40 finished in [\d.]+ s \([\d.]+\/s\): 40 done, 0 failed; \$\d/);
    const summary = JSON.parse(run.stdout) as { done: number; stopReason: string };
    expect(summary).toMatchObject({ done: 40, failed: 0, stopReason: 'completed' });
    expect(sim?.log().highWaterMark).toBeLessThanOrEqual(8);

    const status = await swarm(['status', 'results.jsonl']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('results.jsonl: 40 tasks, 40 done, 0 failed');
    expect(status.stdout).toMatch(/latency \(done\): p50 \d+ ms, p90 \d+ ms, p95 \d+ ms, p99 \d+ ms, max \d+ ms/);
    const json = JSON.parse((await swarm(['status', 'results.jsonl', '--json'])).stdout) as { done: number; latencyMs: { p50: number } };
    expect(json.done).toBe(40);
    expect(json.latencyMs.p50).toBeGreaterThanOrEqual(20);
    expect((await swarm(['status', 'missing.jsonl'])).code).toBe(2);
  });

  it('prints nothing on stderr with --quiet', async () => {
    await start();
    await writeTasks(5);
    const run = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--quiet']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(results()).toHaveLength(5);
  });

  it('renders one task per CSV row from a template', async () => {
    await start();
    await writeFile(path.join(cwd, 'prompt.md'), 'Review {{file}} for {{topic}}');
    await writeFile(path.join(cwd, 'rows.csv'), 'id,file,topic\nr1,a.ts,bugs\nr2,b.ts,naming\n');
    const run = await swarm(['run', '--template', 'prompt.md', '--data', 'rows.csv', '--out', 'results.jsonl']);
    expect(run.code).toBe(0);
    expect(results().map((result) => result.id).sort()).toEqual(['r1', 'r2']);
    expect(sim?.log().requests.map((entry) => entry.user).sort()).toEqual(['Review a.ts for bugs', 'Review b.ts for naming']);
  });

  it('survives kill -9 five times: resuming each time ends with every task exactly once', async () => {
    await start({ latency: { type: 'fixed', ms: 15 } });
    const ids = await writeTasks(150);
    const args = ['run', 'tasks.jsonl', '--out', 'results.jsonl', '--workers', '5', '--quiet'];
    for (const threshold of [10, 35, 60, 85, 110]) {
      const { child, done } = spawnSwarm(args);
      await until(() => resultLines().length >= threshold, `${threshold} results`);
      child.kill('SIGKILL');
      const run = await done;
      expect(run.signal).toBe('SIGKILL');
      expect(resultLines().length).toBeLessThan(ids.length);
    }
    const final = await swarm(args);
    expect(final.code).toBe(0);
    const written = results().map((result) => result.id);
    expect(written).toHaveLength(ids.length);
    expect(new Set(written).size).toBe(ids.length);
    expect([...written].sort()).toEqual([...ids].sort());
    expect(results().every((result) => result.status === 'done')).toBe(true);
  });

  it('exits 1 when a task failed, and --retry-failed runs only the failures again', async () => {
    await start({ script: { rules: [{ match: { user: 'flaky' }, respond: [{ error: { status: 400, message: 'not now' } }, {}] }] } });
    await writeFile(path.join(cwd, 'tasks.jsonl'), '{"id":"ok","prompt":"fine"}\n{"id":"flaky","prompt":"flaky"}\n');
    const first = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl']);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/1 done, 1 failed \(bad_request 1\)/);
    const plain = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('--retry-failed runs them again');
    const retried = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--retry-failed']);
    expect(retried.code).toBe(0);
    expect(results().map((result) => [result.id, result.status]).sort()).toEqual([
      ['flaky', 'done'],
      ['ok', 'done'],
    ]);
    expect(chatRequests()).toBe(3);
  });

  it('stops at the budget, says so and exits 1', async () => {
    await start();
    await writeTasks(50);
    const run = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--workers', '1', '--budget-usd', '0.0002']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/swarm: stopping at the budget: \$[\d.]+ spent, and the next task would bring the projection to \$[\d.]+, over --budget-usd \$0\.0002/);
    expect(run.stderr).toMatch(/stopped at the budget with \d+ tasks not started/);
    const written = results();
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(50);
    expect(written.reduce((sum, result) => sum + (result.cost ?? 0), 0)).toBeLessThanOrEqual(0.0002);
  });

  it('on SIGINT lets the tasks in flight finish, starts no more, and exits 130', async () => {
    await start({ latency: { type: 'fixed', ms: 800 } });
    await writeTasks(10);
    const { child, done } = spawnSwarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--workers', '3']);
    await until(() => sim?.log().inFlight === 3, 'three requests in flight');
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('interrupted; waiting for 3 tasks in flight');
    expect(run.stderr).toContain('7 not started; run the same command again to resume');
    expect(results().map((result) => result.status)).toEqual(['done', 'done', 'done']);
    expect(chatRequests()).toBe(3);
  });

  it('on a second SIGINT cancels the tasks in flight, writes no results for them, and exits 130', async () => {
    await start({ latency: { type: 'fixed', ms: 5000 } });
    await writeTasks(10);
    const { child, done, stderr } = spawnSwarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--workers', '3']);
    await until(() => sim?.log().inFlight === 3, 'three requests in flight');
    child.kill('SIGINT');
    await until(() => stderr().includes('Ctrl-C again cancels them'), 'the first SIGINT to be handled');
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('3 cancelled in flight');
    expect(resultLines()).toEqual([]);
    await until(() => sim?.log().cancelled.length === 3, 'the simulator to see three cancels');
  });
});

describe('swarm run --via batch-api (bundled CLI)', () => {
  it('splits, submits, polls and writes the same results schema; batch status shows the batch', async () => {
    await start({ timeScale: 100_000 });
    const ids = await writeTasks(10);
    const run = await swarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--via', 'batch-api', '--batch-max-lines', '4', '--poll-interval', '20ms', '--json']);
    expect(run.code).toBe(0);
    expect(results().map((result) => result.id).sort()).toEqual([...ids].sort());
    expect(results()[0]).toMatchObject({ status: 'done', latency_ms: null, attempts: 1 });
    const summary = JSON.parse(run.stdout) as { submitted: string[] };
    expect(summary.submitted).toHaveLength(3);
    expect(run.stderr).toMatch(/swarm batch: 10 results in [\d.]+ s: 10 done, 0 failed/);

    const status = await swarm(['batch', 'status', summary.submitted[0] as string]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^${summary.submitted[0]}: completed, 4/4 completed, 0 failed; output file-`));
    expect((await swarm(['batch', 'status', 'batch_nope'])).code).toBe(1);
  });

  it('after kill -9, a re-run polls the submitted batch instead of submitting again', async () => {
    // 5 s validating + 4 s of requests + 5 s finalizing at 20× take 0.7 s.
    await start({ timeScale: 20 });
    const ids = await writeTasks(4);
    const args = ['run', 'tasks.jsonl', '--out', 'results.jsonl', '--via', 'batch-api', '--poll-interval', '50ms', '--quiet'];
    const stateFile = path.join(cwd, 'results.jsonl.batches.json');
    const { child, done } = spawnSwarm(args);
    await until(() => existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes('"batch_id": "batch_'), 'a submitted batch in the state file');
    child.kill('SIGKILL');
    await done;
    const final = await swarm(args);
    expect(final.code).toBe(0);
    expect(results().map((result) => result.id).sort()).toEqual([...ids].sort());
    expect(sim?.log().requests.filter((entry) => entry.method === 'POST' && entry.path === '/v1/batches')).toHaveLength(1);
    expect(existsSync(stateFile)).toBe(false);
  });

  it('batch cancel asks the provider to cancel a running batch', async () => {
    await start({ timeScale: 1 });
    await writeTasks(3);
    const stateFile = path.join(cwd, 'results.jsonl.batches.json');
    const { child, done } = spawnSwarm(['run', 'tasks.jsonl', '--out', 'results.jsonl', '--via', 'batch-api', '--quiet']);
    await until(() => existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes('"batch_id": "batch_'), 'a submitted batch in the state file');
    child.kill('SIGINT');
    const interrupted = await done;
    expect(interrupted.code).toBe(130);
    const id = (JSON.parse(await readFile(stateFile, 'utf8')) as { batches: { batch_id: string }[] }).batches[0]?.batch_id as string;
    const cancel = await swarm(['batch', 'cancel', id]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`^${id}: cancelling`));
    const status = JSON.parse((await swarm(['batch', 'status', id, '--json'])).stdout) as { status: string };
    expect(status.status).toBe('cancelling');
  });
});
