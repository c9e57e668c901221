import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareResultsFile, repairTornTail } from './results-file.js';

let dir: string;
let results: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swarm-results-'));
  results = path.join(dir, 'results.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (id: string, status: 'done' | 'failed', cost: number | null = 0.01): string =>
  JSON.stringify({ id, status, output: status === 'done' ? 'ok' : null, usage: null, cost, latency_ms: 5, attempts: 1, model: 'm', ...(status === 'failed' ? { error: { reason: 'timeout', message: 'slow' } } : {}) });

describe(repairTornTail, () => {
  it('cuts off a partial last line, so the next append starts on a fresh line', async () => {
    await writeFile(results, `${line('a', 'done')}\n${line('b', 'done').slice(0, 30)}`);
    expect(repairTornTail(results)).toBe('truncated');
    expect(await readFile(results, 'utf8')).toBe(`${line('a', 'done')}\n`);
  });

  it('seals a last line that is whole but lacks its newline', async () => {
    await writeFile(results, `${line('a', 'done')}\n${line('b', 'done')}`);
    expect(repairTornTail(results)).toBe('sealed');
    expect(await readFile(results, 'utf8')).toBe(`${line('a', 'done')}\n${line('b', 'done')}\n`);
  });

  it('truncates a file that is one partial line to nothing', async () => {
    await writeFile(results, '{"id":"a","sta');
    expect(repairTornTail(results)).toBe('truncated');
    expect(await readFile(results, 'utf8')).toBe('');
  });

  it('leaves a clean or missing file alone', async () => {
    expect(repairTornTail(results)).toBe('none');
    await writeFile(results, `${line('a', 'done')}\n`);
    expect(repairTornTail(results)).toBe('none');
  });

  it('finds the line start of a torn line longer than one read chunk', async () => {
    const long = JSON.stringify({ id: 'x', status: 'done', output: 'y'.repeat(200_000) });
    await writeFile(results, `${line('a', 'done')}\n${long.slice(0, 150_000)}`);
    expect(repairTornTail(results)).toBe('truncated');
    expect(await readFile(results, 'utf8')).toBe(`${line('a', 'done')}\n`);
  });
});

describe(prepareResultsFile, () => {
  it('skips done and failed ids and sums their spend', async () => {
    await writeFile(results, [line('a', 'done', 0.5), line('b', 'failed', null), line('c', 'done', 0.25), 'garbage', ''].join('\n'));
    const state = await prepareResultsFile(results);
    expect([...state.skip].sort()).toEqual(['a', 'b', 'c']);
    expect(state).toMatchObject({ done: 2, failed: 1, spentUsd: 0.75, malformed: 1, repairedTail: 'none', removedFailed: 0 });
  });

  it('with retryFailed, rewrites the file without the failed lines so the retried ids end up with one line each', async () => {
    await writeFile(results, `${[line('a', 'done'), line('b', 'failed'), line('c', 'failed'), line('d', 'done')].join('\n')}\n`);
    const state = await prepareResultsFile(results, { retryFailed: true });
    expect([...state.skip].sort()).toEqual(['a', 'd']);
    expect(state).toMatchObject({ done: 2, failed: 0, removedFailed: 2 });
    const kept = (await readFile(results, 'utf8')).trim().split('\n').map((text) => (JSON.parse(text) as { id: string }).id);
    expect(kept).toEqual(['a', 'd']);
  });

  it('lets the latest line of an id win', async () => {
    await writeFile(results, `${[line('a', 'failed'), line('a', 'done'), line('b', 'done'), line('b', 'failed')].join('\n')}\n`);
    const state = await prepareResultsFile(results, { retryFailed: true });
    expect([...state.skip]).toEqual(['a']);
    // b's latest line failed, so both of b's lines go and the superseded failure of a goes too.
    const kept = (await readFile(results, 'utf8')).trim().split('\n').map((text) => JSON.parse(text) as { id: string; status: string });
    expect(kept).toEqual([expect.objectContaining({ id: 'a', status: 'done' })]);
  });

  it('repairs a torn tail before reading, and reports it', async () => {
    await writeFile(results, `${line('a', 'done')}\n{"id":"b","status":"do`);
    const state = await prepareResultsFile(results);
    expect(state.repairedTail).toBe('truncated');
    expect([...state.skip]).toEqual(['a']);
  });

  it('treats a missing file as empty', async () => {
    const state = await prepareResultsFile(results);
    expect(state).toMatchObject({ done: 0, failed: 0, spentUsd: 0 });
    expect(state.skip.size).toBe(0);
  });
});
