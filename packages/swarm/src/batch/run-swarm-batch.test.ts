import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { costOf, priceFor, resolveProvider } from '@whitebox/core';
import type { ProviderConfig } from '@whitebox/core';
import { startLlmSim } from '@whitebox/llm-sim';
import type { LlmSim, LlmSimOptions } from '@whitebox/llm-sim';
import type { SwarmResult } from '../swarm-result.js';
import type { SwarmTask } from '../swarm-task.js';
import { batchStatePath, readBatchState } from './batch-state.js';
import { runSwarmBatch } from './run-swarm-batch.js';
import type { BatchNotice } from './run-swarm-batch.js';

let dir: string;
let out: string;
let sim: LlmSim | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swarm-batch-'));
  out = path.join(dir, 'results.jsonl');
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(options: LlmSimOptions = {}): Promise<ProviderConfig> {
  // A simulated day passes in under a second: 5 s validating and 1 s per request take microseconds.
  sim = await startLlmSim({ seed: 5, timeScale: 100_000, ...options });
  return resolveProvider({ baseURL: sim.baseURL, apiKey: 'sk-test', model: 'gpt-4o-mini', cwd: dir, env: {} });
}

const tasks = (count: number): SwarmTask[] => Array.from({ length: count }, (_, i) => ({ id: `t${i}`, prompt: `Batch question ${i}` }));

async function readResults(): Promise<SwarmResult[]> {
  const text = await readFile(out, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SwarmResult);
}

const calls = (method: string, route: RegExp): number =>
  sim?.log().requests.filter((entry) => entry.method === method && route.test(entry.path)).length ?? 0;

describe(runSwarmBatch, () => {
  it('splits at maxLines, submits one batch per file, and writes every result with the batch discount', async () => {
    const provider = await start();
    const notices: BatchNotice[] = [];
    const summary = await runSwarmBatch(tasks(10), { provider, out, maxLines: 4, pollIntervalMs: 10, onNotice: (notice) => notices.push(notice) });
    expect(summary).toMatchObject({ stopReason: 'completed', done: 10, failed: 0, seen: 10 });
    expect(summary.submitted).toHaveLength(3);
    expect(notices.filter((notice) => notice.type === 'submitted').map((notice) => (notice as { lines: number }).lines)).toEqual([4, 4, 2]);
    expect(calls('POST', /^\/v1\/files$/)).toBe(3);
    expect(calls('POST', /^\/v1\/batches$/)).toBe(3);
    const results = await readResults();
    expect(results.map((result) => result.id).sort()).toEqual(tasks(10).map((task) => String(task.id)).sort());
    for (const result of results) {
      expect(result).toMatchObject({ status: 'done', latency_ms: null, attempts: 1, model: 'gpt-4o-mini' });
      const usage = result.usage as NonNullable<SwarmResult['usage']>;
      const list = costOf({ promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }, priceFor('gpt-4o-mini')) as number;
      expect(result.cost).toBeCloseTo(list / 2, 12);
    }
    // Nothing is left behind once everything is collected.
    expect(existsSync(batchStatePath(out))).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['results.jsonl']);
  });

  it('splits at maxBytes too', async () => {
    const provider = await start();
    const line = `${JSON.stringify({
      custom_id: 't0',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Batch question 0' }] },
    })}\n`;
    // Two lines fit, a third does not.
    const summary = await runSwarmBatch(tasks(6), { provider, out, maxBytes: Buffer.byteLength(line) * 2 + 10, pollIntervalMs: 10 });
    expect(summary.submitted).toHaveLength(3);
    expect(summary.done).toBe(6);
  });

  it('maps error lines and unparseable JSON answers to failed results with reasons', async () => {
    const provider = await start({
      script: {
        rules: [
          { match: { user: 'boom' }, respond: { error: { status: 500 } } },
          { match: { user: 'nope' }, respond: { error: { status: 400, message: 'bad thing' } } },
          { match: { user: 'json' }, respond: { json: { a: 1 }, invalidJson: true } },
        ],
      },
    });
    const list: SwarmTask[] = [
      { id: 'ok', prompt: 'fine' },
      { id: 'boom', prompt: 'boom' },
      { id: 'nope', prompt: 'nope' },
      { id: 'json', prompt: 'json', response_format: { type: 'json_object' } },
      { id: 'good-json', prompt: 'give', response_format: { type: 'json_object' } },
    ];
    const summary = await runSwarmBatch(list, { provider, out, pollIntervalMs: 10 });
    expect(summary.failures).toEqual({ server_error: 1, bad_request: 1, invalid_output: 1 });
    const byId = new Map((await readResults()).map((result) => [result.id, result]));
    expect(byId.get('ok')).toMatchObject({ status: 'done' });
    expect(byId.get('boom')).toMatchObject({ status: 'failed', error: { reason: 'server_error', status: 500 } });
    expect(byId.get('nope')).toMatchObject({ status: 'failed', error: { reason: 'bad_request', message: 'bad thing', status: 400 } });
    expect(byId.get('json')).toMatchObject({ status: 'failed', error: { reason: 'invalid_output' } });
    expect(byId.get('good-json')).toMatchObject({ status: 'done', output: { answer: expect.any(String) } });
  });

  it('writes batch_expired failures for the lines an expired batch never ran', async () => {
    const provider = await start();
    // 5 s validating, then 1 s per line: an 8 s window finishes 3 of 6.
    const summary = await runSwarmBatch(tasks(6), { provider, out, completionWindow: '8s', pollIntervalMs: 10 });
    expect(summary).toMatchObject({ done: 3, failed: 3, failures: { batch_expired: 3 } });
  });

  it('reports a batch that failed validation and writes no results for its tasks', async () => {
    const provider = await start({ batch: { maxRequests: 2 } });
    const notices: BatchNotice[] = [];
    const summary = await runSwarmBatch(tasks(3), { provider, out, pollIntervalMs: 10, onNotice: (notice) => notices.push(notice) });
    expect(summary.failedBatches).toHaveLength(1);
    expect(summary.failedBatches[0]?.errors.join()).toContain('too_many_requests');
    expect(summary.done + summary.failed).toBe(0);
    expect(notices.some((notice) => notice.type === 'batch-failed')).toBe(true);
  });

  it('after an interruption, a re-run polls the submitted batches instead of submitting again', async () => {
    const provider = await start();
    const controller = new AbortController();
    const first = await runSwarmBatch(tasks(5), {
      provider,
      out,
      maxLines: 3,
      pollIntervalMs: 10,
      signal: controller.signal,
      onNotice: (notice) => {
        if (notice.type === 'submitted') controller.abort();
      },
    });
    expect(first.stopReason).toBe('interrupted');
    const state = await readBatchState(batchStatePath(out));
    expect(state.batches).toHaveLength(1);
    expect(state.batches[0]?.batch_id).toBe(first.submitted[0]);

    const second = await runSwarmBatch(tasks(5), { provider, out, maxLines: 3, pollIntervalMs: 10 });
    expect(second.resumed).toEqual(first.submitted);
    // Only the two tasks that were never split are submitted now; the first three are covered.
    expect(second.submitted).toHaveLength(1);
    expect(second).toMatchObject({ stopReason: 'completed', done: 5, skipped: 3 });
    expect(calls('POST', /^\/v1\/batches$/)).toBe(2);
    expect((await readResults()).map((result) => result.id).sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(existsSync(batchStatePath(out))).toBe(false);
  });

  it('adopts a batch created just before a kill, found by its input file, instead of creating another', async () => {
    const provider = await start();
    const controller = new AbortController();
    await runSwarmBatch(tasks(2), {
      provider,
      out,
      pollIntervalMs: 10,
      signal: controller.signal,
      onNotice: (notice) => {
        if (notice.type === 'submitted') controller.abort();
      },
    });
    // What a kill between creating the batch and saving its id leaves behind.
    const stateFile = batchStatePath(out);
    const state = await readBatchState(stateFile);
    await writeFile(stateFile, JSON.stringify({ ...state, batches: state.batches.map((entry) => ({ ...entry, batch_id: null })) }));
    const notices: BatchNotice[] = [];
    const summary = await runSwarmBatch(tasks(2), { provider, out, pollIntervalMs: 10, onNotice: (notice) => notices.push(notice) });
    expect(notices.some((notice) => notice.type === 'adopted')).toBe(true);
    expect(summary.submitted).toEqual([]);
    expect(summary.done).toBe(2);
    expect(calls('POST', /^\/v1\/batches$/)).toBe(1);
  });

  it('skips tasks already in the results file and submits nothing when all are done', async () => {
    const provider = await start();
    await runSwarmBatch(tasks(3), { provider, out, pollIntervalMs: 10 });
    const again = await runSwarmBatch(tasks(3), { provider, out, pollIntervalMs: 10 });
    expect(again).toMatchObject({ skipped: 3, done: 0, submitted: [] });
    expect(calls('POST', /^\/v1\/batches$/)).toBe(1);
  });

  it('throws TypeErrors naming bad options', async () => {
    const provider = await start();
    await expect(runSwarmBatch([], { provider, out: '' })).rejects.toThrow('Expected `out` to be a file path, got `` (string)');
    await expect(runSwarmBatch([], { provider, out, maxLines: 1.5 })).rejects.toThrow('Expected `maxLines` to be a positive integer, got `1.5` (number)');
    await expect(runSwarmBatch([], { provider, out, discount: 2 })).rejects.toThrow('Expected `discount` to be a number from 0 to 1, got `2` (number)');
  });
});
