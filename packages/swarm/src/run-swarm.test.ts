import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveProvider } from '@whitebox/core';
import type { ProviderConfig } from '@whitebox/core';
import { startLlmSim } from '@whitebox/llm-sim';
import type { LlmSim, LlmSimOptions } from '@whitebox/llm-sim';
import { runSwarm } from './run-swarm.js';
import type { SwarmNotice } from './run-swarm.js';
import type { SwarmResult } from './swarm-result.js';
import type { SwarmTask } from './swarm-task.js';

let dir: string;
let out: string;
let sim: LlmSim | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swarm-run-'));
  out = path.join(dir, 'results.jsonl');
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(options: LlmSimOptions = {}): Promise<{ sim: LlmSim; provider: ProviderConfig }> {
  sim = await startLlmSim({ seed: 3, latency: { type: 'fixed', ms: 5 }, ...options });
  const provider = await resolveProvider({ baseURL: sim.baseURL, apiKey: 'sk-test', model: 'gpt-4o-mini', cwd: dir, env: {} });
  return { sim, provider };
}

const tasks = (count: number, prefix = 't'): SwarmTask[] => Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, prompt: `Question number ${i}` }));

async function* streamed(list: readonly SwarmTask[]): AsyncGenerator<SwarmTask> {
  for (const task of list) yield task;
}

async function readResults(): Promise<SwarmResult[]> {
  const text = await readFile(out, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SwarmResult);
}

/** Polls a condition that another process or socket makes true soon; fails after two seconds. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2000) throw new Error(`condition not met: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const chatRequests = (): number => sim?.log().requests.filter((entry) => entry.path === '/v1/chat/completions').length ?? 0;

describe(runSwarm, () => {
  it('runs every task with at most `workers` in flight and appends one result line per task', async () => {
    const { provider } = await start();
    const seen: string[] = [];
    const summary = await runSwarm(streamed(tasks(30)), { provider, out, workers: 4, total: 30, onResult: (result) => seen.push(result.id) });
    expect(summary).toMatchObject({ done: 30, failed: 0, skipped: 0, stopReason: 'completed', seen: 30, pending: 30 });
    const results = await readResults();
    expect(results.map((result) => result.id).sort()).toEqual(tasks(30).map((task) => String(task.id)).sort());
    expect(seen.sort()).toEqual(results.map((result) => result.id).sort());
    expect(sim?.log().highWaterMark).toBeLessThanOrEqual(4);
    const first = results[0] as SwarmResult;
    expect(Object.keys(first)).toEqual(['id', 'status', 'output', 'usage', 'cost', 'latency_ms', 'attempts', 'model']);
    expect(first).toMatchObject({ status: 'done', attempts: 1, model: 'gpt-4o-mini' });
    expect(typeof first.output).toBe('string');
    expect(first.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(first.cost).toBeGreaterThan(0);
    expect(summary.spentUsd).toBeCloseTo(results.reduce((sum, result) => sum + (result.cost ?? 0), 0), 12);
  });

  it('defaults to min(tasks, 50) workers', async () => {
    const { provider } = await start({ latency: { type: 'fixed', ms: 300 } });
    await runSwarm(tasks(60), { provider });
    expect(sim?.log().highWaterMark).toBe(50);
    sim?.reset();
    await runSwarm(tasks(7), { provider });
    expect(sim?.log().highWaterMark).toBe(7);
  });

  it('sends persona, messages, model and response_format, and parses JSON answers', async () => {
    const { provider } = await start({
      script: { rules: [{ match: { user: 'broken' }, respond: { json: { a: 1 }, invalidJson: true } }] },
    });
    const list: SwarmTask[] = [
      { id: 'j', prompt: 'give json', response_format: { type: 'json_object' }, persona: 'You are the judge.', model: 'gpt-4o' },
      { id: 'm', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'again' }] },
      { id: 'bad', prompt: 'broken', response_format: { type: 'json_object' } },
    ];
    const results = new Map<string, SwarmResult>();
    const summary = await runSwarm(list, { provider, onResult: (result) => results.set(result.id, result) });
    expect(results.get('j')).toMatchObject({ status: 'done', output: { answer: expect.any(String) }, model: 'gpt-4o' });
    expect(results.get('m')).toMatchObject({ status: 'done' });
    expect(results.get('bad')).toMatchObject({ status: 'failed', error: { reason: 'invalid_output' } });
    expect(summary.failures).toEqual({ invalid_output: 1 });
    const log = sim?.log().requests ?? [];
    expect(log.find((entry) => entry.user === 'give json')).toMatchObject({ system: 'You are the judge.', model: 'gpt-4o' });
  });

  it('ends every task done or failed with a reason through 429s, 500s, hung requests and resets', async () => {
    const { provider } = await start({ faults: { '429': 0.1, '500': 0.05, hang: 0.02, reset: 0.03 }, retryAfterMs: 10 });
    const list = tasks(200);
    const cooldowns: number[] = [];
    const summary = await runSwarm(streamed(list), {
      provider,
      out,
      workers: 20,
      attemptTimeoutMs: 150,
      timeoutMs: 5000,
      retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20 },
      onNotice: (notice: SwarmNotice) => {
        if (notice.type === 'cooldown') cooldowns.push(notice.ms);
      },
    });
    const results = await readResults();
    expect(results).toHaveLength(list.length);
    expect(new Set(results.map((result) => result.id)).size).toBe(list.length);
    for (const result of results) {
      if (result.status === 'failed') expect(result.error?.reason).toMatch(/^(rate_limited|server_error|timeout|connection)$/);
      else expect(result.status).toBe('done');
    }
    expect(summary.done + summary.failed).toBe(list.length);
    // The faults really happened, and the retries really ran.
    const faults = new Set(sim?.log().requests.map((entry) => entry.fault));
    for (const kind of ['429', '500', 'hang', 'reset']) expect(faults).toContain(kind);
    expect(results.some((result) => result.attempts > 1)).toBe(true);
    expect(cooldowns.length).toBeGreaterThan(0);
    expect(cooldowns.every((ms) => ms === 10)).toBe(true);
  });

  it('fails a task that keeps hanging with reason timeout after its attempts', async () => {
    const { provider } = await start({ script: { rules: [{ match: { user: 'stuck' }, respond: { fault: 'hang' } }] } });
    const results: SwarmResult[] = [];
    await runSwarm([{ id: 'x', prompt: 'stuck' }], {
      provider,
      attemptTimeoutMs: 50,
      timeoutMs: 2000,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      onResult: (result) => results.push(result),
    });
    expect(results).toEqual([expect.objectContaining({ id: 'x', status: 'failed', attempts: 3, error: expect.objectContaining({ reason: 'timeout' }) })]);
    // The simulator logs a cancel when it notices the disconnect, which may be a moment later.
    await until(() => sim?.log().cancelled.length === 3);
  });

  it('resumes: a second run with the same results file sends nothing for the ids already there', async () => {
    const { provider } = await start();
    await runSwarm(tasks(10), { provider, out });
    const sent = chatRequests();
    const again = await runSwarm(tasks(12), { provider, out });
    expect(again).toMatchObject({ skipped: 10, done: 2, pending: 2 });
    expect(chatRequests()).toBe(sent + 2);
    expect((await readResults()).map((result) => result.id)).toHaveLength(12);
  });

  it('resumes after a cut-off last line: the torn task runs again and the file stays one line per task', async () => {
    const { provider } = await start();
    await runSwarm(tasks(5), { provider, out });
    const text = await readFile(out, 'utf8');
    const lines = text.trimEnd().split('\n');
    // What a crash mid-write would leave: the last line cut in half.
    await writeFile(out, `${lines.slice(0, -1).join('\n')}\n${(lines.at(-1) as string).slice(0, 20)}`);
    const notices: SwarmNotice[] = [];
    const summary = await runSwarm(tasks(5), { provider, out, onNotice: (notice) => notices.push(notice) });
    expect(summary).toMatchObject({ skipped: 4, done: 1 });
    expect(notices.find((notice) => notice.type === 'resume')).toMatchObject({ state: { repairedTail: 'truncated' } });
    const ids = (await readResults()).map((result) => result.id).sort();
    expect(ids).toEqual(['t0', 't1', 't2', 't3', 't4']);
  });

  it('with retryFailed, runs only the failed tasks again and leaves one line per id', async () => {
    const { provider } = await start({
      script: { rules: [{ match: { user: 'flaky' }, respond: [{ error: { status: 400, message: 'not today' } }, {}] }] },
    });
    const list: SwarmTask[] = [...tasks(3), { id: 'f', prompt: 'flaky' }];
    const first = await runSwarm(list, { provider, out });
    expect(first).toMatchObject({ done: 3, failed: 1, failures: { bad_request: 1 } });
    const plain = await runSwarm(list, { provider, out });
    expect(plain).toMatchObject({ skipped: 4, done: 0, skippedFailed: 1 });
    const sent = chatRequests();
    const retried = await runSwarm(list, { provider, out, retryFailed: true });
    expect(retried).toMatchObject({ skipped: 3, done: 1, failed: 0 });
    expect(chatRequests()).toBe(sent + 1);
    const results = await readResults();
    expect(results.map((result) => [result.id, result.status]).sort()).toEqual([
      ['f', 'done'],
      ['t0', 'done'],
      ['t1', 'done'],
      ['t2', 'done'],
    ]);
  });

  it('stops scheduling before the budget would be passed, says so, and a later run continues', async () => {
    const { provider } = await start();
    const notices: SwarmNotice[] = [];
    const budgetUsd = 0.0002;
    const summary = await runSwarm(tasks(40), { provider, out, workers: 1, budgetUsd, onNotice: (notice) => notices.push(notice) });
    expect(summary.stopReason).toBe('budget');
    expect(summary.done).toBeGreaterThan(0);
    expect(summary.done).toBeLessThan(40);
    expect(summary.spentUsd).toBeLessThanOrEqual(budgetUsd);
    const budget = notices.find((notice) => notice.type === 'budget');
    expect(budget).toMatchObject({ budgetUsd });
    expect((budget as { projectedUsd: number }).projectedUsd).toBeGreaterThan(budgetUsd);
    expect(chatRequests()).toBe(summary.done);
    // The spend already in the file counts: the same budget allows nothing more.
    const same = await runSwarm(tasks(40), { provider, out, workers: 1, budgetUsd });
    expect(same).toMatchObject({ stopReason: 'budget', done: 0 });
    const rest = await runSwarm(tasks(40), { provider, out, workers: 1 });
    expect(rest.done + summary.done).toBe(40);
  });

  it('learns the limit from x-ratelimit headers and sends no request the provider would refuse', async () => {
    const { sim: server, provider } = await start({ latency: { type: 'fixed', ms: 0 }, rpm: 600 });
    // Leave the provider's bucket almost empty, as another client sharing the key would.
    const drain = async (): Promise<void> => {
      await fetch(`${server.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'drain' }] }),
      }).then((response) => response.text());
    };
    for (let i = 0; i < 592; i += 37) await Promise.all(Array.from({ length: Math.min(37, 592 - i) }, drain));
    server.reset();
    const summary = await runSwarm(tasks(25), { provider, workers: 5 });
    expect(summary.done).toBe(25);
    expect(summary.rateLimit.rpm).toBe(600);
    expect(summary.rateLimit.corrections).toBeGreaterThan(0);
    expect(server.log().requests.filter((entry) => entry.fault === 'rate-limit')).toEqual([]);
  });

  it('paces to --rpm: a 429 from the provider never happens', async () => {
    const { sim: server, provider } = await start({ latency: { type: 'fixed', ms: 0 }, rpm: 600 });
    const summary = await runSwarm(tasks(20), { provider, workers: 10, rpm: 600 });
    expect(summary.done).toBe(20);
    // 10 in the first second (the burst), then 10 per second.
    const starts = server.log().requests.map((entry) => entry.startedAt).sort((a, b) => a - b);
    expect((starts[19] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(900);
    expect(server.log().requests.filter((entry) => entry.status === 429)).toEqual([]);
  });

  it('on the first signal stops scheduling and lets the tasks in flight finish', async () => {
    const { provider } = await start({ latency: { type: 'fixed', ms: 200 } });
    const controller = new AbortController();
    const run = runSwarm(tasks(20), { provider, out, workers: 4, signal: controller.signal });
    await until(() => (sim?.log().inFlight ?? 0) === 4);
    controller.abort();
    const summary = await run;
    expect(summary).toMatchObject({ stopReason: 'interrupted', done: 4, aborted: 0 });
    expect(await readResults()).toHaveLength(4);
    expect(chatRequests()).toBe(4);
  });

  it('on the force signal cancels the tasks in flight and writes no result for them', async () => {
    const { provider } = await start({ latency: { type: 'fixed', ms: 2000 } });
    const soft = new AbortController();
    const force = new AbortController();
    const run = runSwarm(tasks(10), { provider, out, workers: 3, signal: soft.signal, forceSignal: force.signal });
    await until(() => (sim?.log().inFlight ?? 0) === 3);
    soft.abort();
    force.abort();
    const summary = await run;
    expect(summary).toMatchObject({ stopReason: 'aborted', done: 0, failed: 0, aborted: 3 });
    expect(await readFile(out, 'utf8')).toBe('');
    await until(() => sim?.log().cancelled.length === 3);
  });

  it('rejects a duplicate id in a streamed input after the tasks in flight finished', async () => {
    const { provider } = await start();
    const list = [...tasks(3), { id: 't1', prompt: 'again' }];
    await expect(runSwarm(streamed(list), { provider, out, workers: 1 })).rejects.toThrow('task 4: duplicate id "t1"');
    expect(await readResults()).toHaveLength(3);
  });

  it('rejects an invalid task with the field at fault', async () => {
    const { provider } = await start();
    await expect(runSwarm([{ id: 'a' } as SwarmTask], { provider })).rejects.toThrow('task 1: prompt: a task needs `prompt` or `messages`');
  });

  it('throws TypeErrors naming bad options', async () => {
    const { provider } = await start();
    expect(() => runSwarm([], { provider, workers: 0 })).toThrow('Expected `workers` to be a positive integer, got `0` (number)');
    expect(() => runSwarm([], { provider, rpm: -5 })).toThrow('Expected `rpm` to be a positive number, got `-5` (number)');
    expect(() => runSwarm([], { provider, budgetUsd: Number.NaN })).toThrow('`budgetUsd`');
    expect(() => runSwarm([], { provider, signal: 'stop' as never })).toThrow('Expected `signal` to be an AbortSignal, got `stop` (string)');
    expect(() => runSwarm([], {} as never)).toThrow('Expected `options.provider` to be a ProviderConfig');
    expect(() => runSwarm(42 as never, { provider })).toThrow('Expected `tasks` to be an iterable or async iterable, got `42` (number)');
  });
});
