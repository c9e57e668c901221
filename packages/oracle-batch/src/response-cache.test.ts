import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, createResponseCache, defaultCacheDir } from './response-cache.js';
import type { CachedAnswer } from './response-cache.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'oracle-cache-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const persona = { name: 'judge', systemPrompt: 'You judge.', temperature: 0.2 };
const parts = { baseURL: 'http://h/v1', model: 'gpt-4o-mini', persona, proposal: 'Ship it' };
const answer = (createdAt: number): CachedAnswer => ({
  createdAt,
  model: 'gpt-4o-mini',
  verdict: { verdict: 'approve', confidence: 0.9, summary: 's', reasons: [], risks: [] },
  usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15, estimated: false },
  costUsd: 0.001,
});

describe(cacheKey, () => {
  it('changes with the model, the persona prompt, the proposal and the endpoint', () => {
    const base = cacheKey(parts);
    expect(cacheKey({ ...parts })).toBe(base);
    expect(cacheKey({ ...parts, model: 'gpt-4o' })).not.toBe(base);
    expect(cacheKey({ ...parts, persona: { ...persona, systemPrompt: 'You judge kindly.' } })).not.toBe(base);
    expect(cacheKey({ ...parts, proposal: 'Ship it now' })).not.toBe(base);
    expect(cacheKey({ ...parts, baseURL: 'http://other/v1' })).not.toBe(base);
  });
});

describe(createResponseCache, () => {
  it('returns what was stored until the TTL passes', async () => {
    let now = 1_000;
    const cache = createResponseCache({ dir: path.join(dir, 'nested'), ttlMs: 500, now: () => now });
    const key = cacheKey(parts);
    await expect(cache.get(key)).resolves.toBeUndefined();
    await cache.set(key, answer(now));
    now = 1_499;
    await expect(cache.get(key)).resolves.toEqual(answer(1_000));
    now = 1_500;
    await expect(cache.get(key)).resolves.toBeUndefined();
    expect(await readdir(path.join(dir, 'nested'))).toEqual([]);
  });

  it('treats an unreadable or foreign entry as a miss', async () => {
    const cache = createResponseCache({ dir });
    const key = cacheKey(parts);
    await writeFile(path.join(dir, `${key}.json`), '{ torn');
    await expect(cache.get(key)).resolves.toBeUndefined();
    await writeFile(path.join(dir, `${key}.json`), JSON.stringify({ createdAt: Date.now(), verdict: 'approve' }));
    await expect(cache.get(key)).resolves.toBeUndefined();
  });

  it('leaves no temporary files behind', async () => {
    const cache = createResponseCache({ dir });
    await cache.set(cacheKey(parts), answer(Date.now()));
    expect(await readdir(dir)).toEqual([`${cacheKey(parts)}.json`]);
  });

  it('rejects a bad TTL and a key that is not a digest', async () => {
    expect(() => createResponseCache({ dir, ttlMs: 0 })).toThrow(new TypeError('Expected `ttlMs` to be a positive number of milliseconds, got `0` (number)'));
    await expect(createResponseCache({ dir }).get('../../etc/passwd')).rejects.toThrow(TypeError);
  });
});

describe(defaultCacheDir, () => {
  it('follows XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(path.join('/x', 'whitebox', 'oracle'));
    expect(defaultCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'whitebox', 'oracle'));
  });
});
