import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hookIdForCommand, PerfRecordSchema } from '@whitebox/core';
import type { PerfRecord } from '@whitebox/core';
import { wrapMain } from './wrap.js';

const bin = fileURLToPath(new URL('../../../bin/perf-tracker.js', import.meta.url));
const node = process.execPath;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

let dir: string;
let log: string;

/** Runs the bundled bin; `onStdout` may act on output as it arrives (to signal at the right moment). */
function wrap(args: readonly string[], input?: Buffer | string, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [bin, 'wrap', '--log', log, ...args], { stdio: ['pipe', 'pipe', 'pipe'], cwd: dir });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      onStdout?.(Buffer.concat(out).toString('latin1'), child);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

async function records(): Promise<PerfRecord[]> {
  const text = await readFile(log, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => PerfRecordSchema.parse(JSON.parse(line)));
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npx nx build-cli perf-tracker\` (nx test does it first)`);
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-wrap-'));
  log = path.join(dir, 'log.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hookInput = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    session_id: 'sess-wrap',
    transcript_path: '/home/dev/.claude/projects/p/sess-wrap.jsonl',
    cwd: '/home/dev/project',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: 'curl -H "Authorization: Bearer sk-live-PLANTED-SECRET" x' },
    tool_use_id: 'toolu_wrap_1',
    ...extra,
  });

describe(wrapMain, () => {
  it('passes binary stdin through to stdout byte for byte and records one run', async () => {
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(3 * 1024 * 1024)]);
    const result = await wrap(['--id', 'cat', '--', 'cat'], bytes);
    expect(result.code).toBe(0);
    expect(result.stdout.equals(bytes)).toBe(true);
    const [record, ...rest] = await records();
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ kind: 'hook', hook: 'cat', outcome: 'ok', runner: 'single', exit_code: 0, session_id: 'unknown', event: 'unknown' });
  });

  it('passes stderr through unchanged', async () => {
    const result = await wrap(['--', node, '-e', 'process.stderr.write(Buffer.from([0, 255, 10, 13, 200])); process.stdout.write("out")']);
    expect(result.stderr.equals(Buffer.from([0, 255, 10, 13, 200]))).toBe(true);
    expect(result.stdout.toString()).toBe('out');
  });

  it('records the session, event and tool from stdin, never the input itself, and hashes the command by default', async () => {
    const result = await wrap(['--', 'sh', '-c', 'cat > /dev/null; echo "{}"'], hookInput());
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('{}\n');
    const [record] = await records();
    expect(record).toMatchObject({
      session_id: 'sess-wrap',
      event: 'PreToolUse',
      tool_name: 'Bash',
      tool_use_id: 'toolu_wrap_1',
      hook: hookIdForCommand('sh -c cat > /dev/null; echo "{}"'),
    });
    expect(record!.duration_ms).toBeGreaterThan(0);
    expect(await readFile(log, 'utf8')).not.toMatch(/PLANTED|Bearer|curl|transcript/);
  });

  it('finds the event in a huge input from its first 256 KiB and still passes all of it through', async () => {
    const input = hookInput({ tool_input: { content: 'x'.repeat(2 * 1024 * 1024) } });
    const result = await wrap(['--id', 'big', '--', 'wc', '-c'], input);
    expect(result.stdout.toString().trim()).toBe(String(Buffer.byteLength(input)));
    expect((await records())[0]).toMatchObject({ session_id: 'sess-wrap', event: 'PreToolUse', tool_name: 'Bash' });
  });

  it('survives a hook that ignores its stdin', async () => {
    const result = await wrap(['--id', 'true', '--', 'true'], randomBytes(4 * 1024 * 1024));
    expect(result.code).toBe(0);
    expect((await records())[0]).toMatchObject({ hook: 'true', outcome: 'ok' });
  });

  it('exits with the command’s exit code and records the outcome Claude Code would see', async () => {
    const codes = [0, 1, 2, 3, 42];
    for (const code of codes) {
      const result = await wrap(['--id', `exit-${code}`, '--', 'sh', '-c', `exit ${code}`], hookInput());
      expect(result.code).toBe(code);
    }
    const outcomes = (await records()).map((r) => [r.hook, r.outcome, r.exit_code]);
    expect(outcomes).toEqual([
      ['exit-0', 'ok', 0],
      ['exit-1', 'error', 1],
      ['exit-2', 'blocked', 2],
      ['exit-3', 'error', 3],
      ['exit-42', 'error', 42],
    ]);
  });

  it('records a JSON deny on stdout as blocked', async () => {
    const deny = '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no"}}';
    const result = await wrap(['--id', 'guard', '--', 'echo', deny], hookInput());
    expect(result.stdout.toString()).toBe(`${deny}\n`);
    expect((await records())[0]).toMatchObject({ outcome: 'blocked', exit_code: 0 });
  });

  it('runs a single argument with shell syntax through the shell', async () => {
    const result = await wrap(['--id', 'sh', '--', 'echo one && echo two'], '');
    expect(result.stdout.toString()).toBe('one\ntwo\n');
  });

  it('dies by the same signal as the command', async () => {
    const result = await wrap(['--id', 'self-kill', '--', 'sh', '-c', 'kill -TERM $$'], hookInput());
    expect(result.signal).toBe('SIGTERM');
    expect(result.code).toBeNull();
    expect((await records())[0]).toMatchObject({ hook: 'self-kill', outcome: 'error', exit_code: null });
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('forwards %s to the command and records a timeout', async (signal) => {
    const script = 'process.stdout.write("ready\\n"); setInterval(() => {}, 1000)';
    const result = await wrap(['--id', 'slow', '--', node, '-e', script], hookInput(), (text, child) => {
      if (text === 'ready\n') child.kill(signal);
    });
    expect(result.signal).toBe(signal);
    expect((await records())[0]).toMatchObject({ hook: 'slow', outcome: 'timeout', exit_code: null });
  });

  it('exits as the command did when it handles the forwarded signal itself', async () => {
    const script = 'process.on("SIGTERM", () => { process.stdout.write("bye"); process.exit(0); }); process.stdout.write("ready\\n"); setInterval(() => {}, 1000)';
    const result = await wrap(['--id', 'graceful', '--', node, '-e', script], '', (text, child) => {
      if (text === 'ready\n') child.kill('SIGTERM');
    });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('ready\nbye');
    expect((await records())[0]).toMatchObject({ outcome: 'timeout', exit_code: 0 });
  });

  it('exits 127 like a shell when the command does not exist, and still records the run', async () => {
    const result = await wrap(['--id', 'missing', '--', path.join(dir, 'no-such-hook')], hookInput());
    expect(result.code).toBe(127);
    expect(result.stderr.toString()).toContain('cannot run');
    expect((await records())[0]).toMatchObject({ hook: 'missing', outcome: 'error', exit_code: 127 });
  });

  it('exits 1, never the blocking 2, on its own usage errors', async () => {
    const result = await wrap(['--bogus', '--', 'true'], '');
    expect(result.code).toBe(1);
    expect(result.stderr.toString()).toContain('unknown option --bogus');
    expect(existsSync(log)).toBe(false);
  });

  it('runs the hook even when the record cannot be written', async () => {
    log = path.join(bin, 'not-a-dir', 'log.jsonl');
    const result = await wrap(['--id', 'x', '--', 'echo', 'still runs'], '');
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('still runs\n');
    expect(result.stderr.toString()).toBe('');
  });
});
