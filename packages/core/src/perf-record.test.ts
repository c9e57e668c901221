import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hookIdForCommand, perfLogPath } from './perf-log.js';
import { appendPerfRecords, PerfRecordSchema, type PerfRecord } from './perf-record.js';

const record: PerfRecord = {
  v: 1,
  ts: '2026-11-27T10:00:00.000Z',
  session_id: 's1',
  event: 'UserPromptSubmit',
  kind: 'hook',
  hook: 'lint',
  duration_ms: 51.2,
  outcome: 'ok',
  runner: 'executor-parallel',
};

describe(hookIdForCommand, () => {
  it('names a command by a short stable hash that does not contain the command', () => {
    const id = hookIdForCommand('node hooks/secret-token-abc.js --key sk-live-123');
    expect(id).toMatch(/^cmd:[0-9a-f]{12}$/);
    expect(id).toBe(hookIdForCommand('node hooks/secret-token-abc.js --key sk-live-123'));
    expect(id).not.toBe(hookIdForCommand('node hooks/other.js'));
  });
});

describe('PerfRecordSchema', () => {
  it('accepts a hook record and keeps unknown fields for newer writers', () => {
    expect(PerfRecordSchema.parse({ ...record, extra: 1 })).toMatchObject({ extra: 1 });
  });

  it.each([
    ['a wrong version', { v: 2 }],
    ['a negative duration', { duration_ms: -1 }],
    ['an unknown outcome', { outcome: 'maybe' }],
    ['a timestamp that is not ISO 8601', { ts: 'yesterday' }],
  ])('rejects %s', (_, patch) => {
    expect(PerfRecordSchema.safeParse({ ...record, ...patch }).success).toBe(false);
  });
});

describe(appendPerfRecords, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perf-record-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one line per record under .claude/memory, creating the folders', async () => {
    const file = perfLogPath(dir);
    appendPerfRecords(file, [record, { ...record, hook: 'format' }]);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(file).toBe(path.join(dir, '.claude/memory/hook_performance.jsonl'));
    expect(lines.map((line) => JSON.parse(line).hook)).toEqual(['lint', 'format']);
  });

  it('writes nothing when any record is invalid, and names the field', async () => {
    const file = perfLogPath(dir);
    expect(() => appendPerfRecords(file, [record, { ...record, duration_ms: 'slow' } as never])).toThrow(
      /perf record #1: duration_ms: expected number, received string "slow"/,
    );
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('skips the check with validate: false, for records built from typed values', async () => {
    const file = perfLogPath(dir);
    appendPerfRecords(file, [{ ...record, duration_ms: 'slow' } as never], { validate: false });
    expect(JSON.parse(await readFile(file, 'utf8')).duration_ms).toBe('slow');
  });
});
