import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerfRecordSchema } from '@whitebox/core';
import type { PerfRecord } from '@whitebox/core';
import { appendPerfLine } from './append-perf-line.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-append-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record: PerfRecord = {
  v: 1,
  ts: '2026-11-27T10:00:00.000Z',
  session_id: 's',
  event: 'Stop',
  kind: 'hook',
  hook: 'h',
  duration_ms: 1.5,
  outcome: 'ok',
  runner: 'single',
};

describe(appendPerfLine, () => {
  it('creates missing folders and appends whole lines that match the core schema', async () => {
    const file = path.join(dir, 'a', 'b', 'log.jsonl');
    appendPerfLine(file, record);
    appendPerfLine(file, { ...record, hook: 'second' });
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(PerfRecordSchema.parse(JSON.parse(lines[1]!)).hook).toBe('second');
  });

  it('throws the fs error when the path cannot be a file', async () => {
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, 'x');
    expect(() => appendPerfLine(path.join(blocker, 'log.jsonl'), record)).toThrow(/ENOTDIR/);
  });
});
