import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { percentile, summarizeResults } from './summarize-results.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swarm-status-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(percentile, () => {
  it('uses the nearest rank', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 90)).toBe(90);
    expect(percentile(sorted, 99)).toBe(100);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe(summarizeResults, () => {
  it('counts, groups failures by reason, sums spend and tokens, and computes latency percentiles of done tasks', async () => {
    const lines = [
      ...Array.from({ length: 100 }, (_, i) =>
        JSON.stringify({
          id: `d${i}`,
          status: 'done',
          output: 'x',
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          cost: 0.001,
          latency_ms: i + 1,
          attempts: i < 3 ? 2 : 1,
          model: 'm',
        }),
      ),
      JSON.stringify({ id: 'f1', status: 'failed', output: null, usage: null, cost: null, latency_ms: 9000, attempts: 5, model: 'm', error: { reason: 'timeout', message: 'x' } }),
      JSON.stringify({ id: 'f2', status: 'failed', output: null, usage: null, cost: null, latency_ms: 1, attempts: 5, model: 'm', error: { reason: 'rate_limited', message: 'x' } }),
      JSON.stringify({ id: 'f3', status: 'failed', output: null, usage: null, cost: null, latency_ms: 1, attempts: 1, model: 'm', error: { reason: 'timeout', message: 'x' } }),
      '{"id":"torn","sta',
    ];
    const file = path.join(dir, 'results.jsonl');
    await writeFile(file, lines.join('\n'));
    const summary = await summarizeResults(file);
    expect(summary).toMatchObject({
      tasks: 103,
      done: 100,
      failed: 3,
      failuresByReason: { timeout: 2, rate_limited: 1 },
      tokens: { prompt: 1000, completion: 500 },
      latencyMs: { p50: 50, p90: 90, p95: 95, p99: 99, max: 100, mean: 50.5 },
      attempts: 100 + 3 + 11,
      retried: 5,
      malformed: 1,
      superseded: 0,
    });
    expect(summary.spentUsd).toBeCloseTo(0.1, 10);
    expect(Object.keys(summary.failuresByReason)).toEqual(['timeout', 'rate_limited']);
  });

  it('takes the latest line of a repeated id and counts the earlier one as superseded', async () => {
    const file = path.join(dir, 'results.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify({ id: 'a', status: 'failed', error: { reason: 'timeout', message: '' } }),
        JSON.stringify({ id: 'a', status: 'done', latency_ms: 3, cost: 0.5 }),
      ].join('\n'),
    );
    expect(await summarizeResults(file)).toMatchObject({ tasks: 1, done: 1, failed: 0, superseded: 1, spentUsd: 0.5 });
  });
});
