import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerfRecordSchema } from '@whitebox/core';
import type { PerfRecord } from '@whitebox/core';
import { recordToolTiming } from './record-tool-timing.js';

const bin = fileURLToPath(new URL('../../../bin/perf-tracker.js', import.meta.url));

let dir: string;
let logFile: string;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-record-'));
  logFile = path.join(dir, 'memory', 'hook_performance.jsonl');
  clock = Date.parse('2026-11-27T10:00:00.000Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const input = (event: string, toolUseId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    session_id: 'sess-r',
    hook_event_name: event,
    tool_name: 'Bash',
    tool_input: { command: 'cat ~/.ssh/id_rsa PLANTED-KEY' },
    tool_use_id: toolUseId,
    ...extra,
  });

async function records(): Promise<PerfRecord[]> {
  if (!existsSync(logFile)) return [];
  return (await readFile(logFile, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => PerfRecordSchema.parse(JSON.parse(line)));
}

describe(recordToolTiming, () => {
  it('pairs a PostToolUse without duration_ms with its PreToolUse by tool_use_id', async () => {
    expect(recordToolTiming({ input: input('PreToolUse', 'toolu_a'), logFile, now }).status).toBe('started');
    clock += 1234;
    const result = recordToolTiming({ input: input('PostToolUse', 'toolu_a'), logFile, now });
    expect(result.status).toBe('recorded');
    expect(await records()).toEqual([
      {
        v: 1,
        ts: '2026-11-27T10:00:00.000Z',
        session_id: 'sess-r',
        event: 'PostToolUse',
        kind: 'tool',
        duration_ms: 1234,
        outcome: 'ok',
        runner: 'single',
        tool_name: 'Bash',
        tool_use_id: 'toolu_a',
      },
    ]);
  });

  it('prefers the duration_ms Claude Code reports over the paired time', async () => {
    recordToolTiming({ input: input('PreToolUse', 'toolu_b'), logFile, now });
    clock += 5000;
    recordToolTiming({ input: input('PostToolUse', 'toolu_b', { duration_ms: 25 }), logFile, now });
    expect((await records())[0]).toMatchObject({ duration_ms: 25, ts: '2026-11-27T10:00:00.000Z' });
  });

  it('uses duration_ms alone when no PreToolUse was seen, dating the call from it', async () => {
    recordToolTiming({ input: input('PostToolUse', 'toolu_c', { duration_ms: 400 }), logFile, now });
    expect((await records())[0]).toMatchObject({ duration_ms: 400, ts: '2026-11-27T09:59:59.600Z' });
  });

  it('records PostToolUseFailure as an error', async () => {
    recordToolTiming({ input: input('PreToolUse', 'toolu_d'), logFile, now });
    clock += 10;
    recordToolTiming({ input: input('PostToolUseFailure', 'toolu_d', { error: 'boom', is_interrupt: true }), logFile, now });
    expect((await records())[0]).toMatchObject({ event: 'PostToolUseFailure', outcome: 'error', duration_ms: 10 });
  });

  it('keeps parallel calls apart and records each once', async () => {
    const ids = ['toolu_p1', 'toolu_p2', 'toolu_p3'];
    for (const id of ids) recordToolTiming({ input: input('PreToolUse', id), logFile, now });
    for (const id of [...ids].reverse()) {
      clock += 100;
      recordToolTiming({ input: input('PostToolUse', id), logFile, now });
      // A repeated Post (or one without a Pre) cannot pair again.
      expect(recordToolTiming({ input: input('PostToolUse', id), logFile, now }).status).toBe('unpaired');
    }
    expect((await records()).map((r) => [r.tool_use_id, r.duration_ms])).toEqual([
      ['toolu_p3', 100],
      ['toolu_p2', 200],
      ['toolu_p1', 300],
    ]);
    expect(await readdir(path.join(dir, 'memory', 'hook_performance.pending', 'sess-r'))).toEqual([]);
  });

  it('keeps the first start when PreToolUse fires twice for one call', async () => {
    recordToolTiming({ input: input('PreToolUse', 'toolu_twice'), logFile, now });
    clock += 50;
    recordToolTiming({ input: input('PreToolUse', 'toolu_twice'), logFile, now });
    clock += 50;
    recordToolTiming({ input: input('PostToolUse', 'toolu_twice'), logFile, now });
    expect((await records())[0]!.duration_ms).toBe(100);
  });

  it('ignores other events and inputs without a tool call id', async () => {
    expect(recordToolTiming({ input: JSON.stringify({ hook_event_name: 'Stop', session_id: 's' }), logFile, now }).status).toBe('ignored');
    expect(recordToolTiming({ input: input('PostToolBatch', 'toolu_x'), logFile, now }).status).toBe('ignored');
    expect(recordToolTiming({ input: 'not json', logFile, now }).status).toBe('ignored');
    expect(await records()).toEqual([]);
  });

  it('never lets an id steer the state path', async () => {
    const evil = '../../../../escape';
    recordToolTiming({ input: JSON.stringify({ session_id: '../..', hook_event_name: 'PreToolUse', tool_use_id: evil }), logFile, now });
    const pending = path.join(dir, 'memory', 'hook_performance.pending');
    const [session] = await readdir(pending);
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    expect(await readdir(path.join(pending, session!))).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
  });

  it('sweeps session folders untouched for a day when a new session starts', async () => {
    const pending = path.join(dir, 'memory', 'hook_performance.pending');
    await mkdir(path.join(pending, 'old-session'), { recursive: true });
    const old = new Date(clock - 2 * 86_400_000);
    await utimes(path.join(pending, 'old-session'), old, old);
    await mkdir(path.join(pending, 'recent-session'));
    recordToolTiming({ input: input('PreToolUse', 'toolu_new'), logFile, now });
    expect((await readdir(pending)).sort()).toEqual(['recent-session', 'sess-r']);
  });
});

describe('perf-tracker record (bin)', () => {
  const runRecord = (args: readonly string[], stdin: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'record', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PERF_TRACKER_DEBUG: '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });

  it('prints nothing and exits 0, pairing Pre and Post across processes', async () => {
    expect(await runRecord(['--log', logFile], input('PreToolUse', 'toolu_bin'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runRecord(['--log', logFile], input('PostToolUse', 'toolu_bin'))).toEqual({ code: 0, stdout: '', stderr: '' });
    const [record] = await records();
    expect(record).toMatchObject({ kind: 'tool', tool_use_id: 'toolu_bin', tool_name: 'Bash', outcome: 'ok' });
    expect(await readFile(logFile, 'utf8')).not.toContain('PLANTED');
  });

  it('still exits 0 silently when recording fails or its arguments are wrong', async () => {
    const unwritable = path.join(bin, 'inside-a-file.jsonl');
    expect(await runRecord(['--log', unwritable], input('PreToolUse', 'toolu_z'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runRecord(['--bogus'], input('PreToolUse', 'toolu_z'))).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runRecord(['--log', logFile], '{not json')).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
