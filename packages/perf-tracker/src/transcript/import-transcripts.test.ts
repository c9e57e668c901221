import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hookIdForCommand, PerfRecordSchema, WhiteboxError } from '@whitebox/core';
import type { PerfRecord } from '@whitebox/core';
import { importTranscripts } from './import-transcripts.js';
import { createTranscriptTimings } from './transcript-timings.js';

// CI clones the repository next to `shared/`, so the fixtures live at <repo root>/../shared.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixtures = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'claude-code-2.1.332');
function transcript(scenario: string): string {
  const dir = path.join(fixtures, scenario, 'transcripts');
  if (!existsSync(dir)) throw new Error(`Claude Code fixtures not found at ${dir}; the tests expect shared/ beside the repository clone`);
  return path.join(dir, readdirSync(dir).find((name) => name.endsWith('.jsonl'))!);
}

let dir: string;
let logFile: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-import-'));
  logFile = path.join(dir, '.claude', 'memory', 'hook_performance.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logged(): Promise<PerfRecord[]> {
  return (await readFile(logFile, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => PerfRecordSchema.parse(JSON.parse(line)));
}

const lines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The older transcript shape: one line per API message with all its blocks, one line with all tool results. */
function toMultiBlockShape(source: Record<string, unknown>[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let results: Record<string, unknown> | undefined;
  for (const line of source) {
    const message = line['message'] as { id?: string; content?: unknown } | undefined;
    const previous = out.at(-1);
    const previousMessage = previous?.['message'] as { id?: string; content?: unknown[] } | undefined;
    if (line['type'] === 'assistant' && previous?.['type'] === 'assistant' && previousMessage?.id === message?.id) {
      previousMessage!.content = [...previousMessage!.content!, ...(message!.content as unknown[])];
      continue;
    }
    const content = message?.content;
    if (line['type'] === 'user' && Array.isArray(content) && content.some((b: { type?: string }) => b.type === 'tool_result')) {
      if (results === undefined) {
        results = { ...line, message: { ...message, content: [...content] } };
        delete results['toolUseResult'];
        out.push(results);
      } else {
        (results['message'] as { content: unknown[] }).content.push(...content);
        results['timestamp'] = line['timestamp'];
      }
      continue;
    }
    if (line['type'] === 'assistant') results = undefined;
    out.push(line);
  }
  return out;
}

describe(importTranscripts, () => {
  it('reads tool and Stop hook durations from a real transcript', async () => {
    const result = await importTranscripts({ paths: [transcript('bash-hooks')], logFile });
    expect(result).toEqual({ files: 1, lines: 32, malformed: 0, found: 2, hooks: 1, added: 2, alreadyImported: 0 });
    const session = 'f5a8e01b-0dc8-4094-a218-876aa8da0ab2';
    expect(await logged()).toEqual([
      {
        v: 1,
        ts: '2026-11-27T16:52:15.971Z',
        session_id: session,
        event: 'PostToolUse',
        kind: 'tool',
        duration_ms: 133,
        outcome: 'ok',
        runner: 'import',
        tool_name: 'Bash',
        tool_use_id: 'toolu_fake_main_t0_0_1',
        key: `import:tool:${session}:toolu_fake_main_t0_0_1`,
      },
      {
        v: 1,
        ts: '2026-11-27T16:52:16.163Z',
        session_id: session,
        event: 'Stop',
        kind: 'hook',
        hook: hookIdForCommand('/opt/harness/hooks/log-hook.sh Stop /opt/harness/captures/a-bash-hooks'),
        duration_ms: 28,
        outcome: 'ok',
        runner: 'import',
        key: `import:hook:${session}:7058bdea-0e76-4feb-8767-77abb086442c:0`,
      },
    ]);
  });

  it('uses the agent’s own totalDurationMs in the one-block-per-line shape', async () => {
    await importTranscripts({ paths: [transcript('parallel-agents')], logFile });
    const tools = (await logged()).filter((r) => r.kind === 'tool');
    expect(tools.map((r) => [r.tool_use_id, r.tool_name, r.duration_ms, r.ts])).toEqual([
      ['toolu_fake_main_t0_1_1', 'Agent', 1676, '2026-11-27T16:52:17.055Z'],
      ['toolu_fake_main_t0_0_1', 'Agent', 1665, '2026-11-27T16:52:17.041Z'],
    ]);
  });

  it('reads the several-blocks-per-line shape too, timing each call from its message to its result', async () => {
    const source = lines(transcript('parallel-agents'));
    const merged = toMultiBlockShape(source);
    const assistant = merged.filter((l) => l['type'] === 'assistant');
    expect(assistant.map((l) => (l['message'] as { content: unknown[] }).content.length)).toEqual([3, 1]);
    const file = path.join(dir, 'multi.jsonl');
    await writeFile(file, merged.map((l) => JSON.stringify(l)).join('\n'));
    await importTranscripts({ paths: [file], logFile });
    const tools = (await logged()).filter((r) => r.kind === 'tool');
    // Both calls start with their message (16:52:17.038) and end with the shared result line
    // (16:52:18.840), which lists them in completion order.
    expect(tools.map((r) => [r.tool_use_id, r.duration_ms, r.ts])).toEqual([
      ['toolu_fake_main_t0_1_1', 1802, '2026-11-27T16:52:17.038Z'],
      ['toolu_fake_main_t0_0_1', 1802, '2026-11-27T16:52:17.038Z'],
    ]);
  });

  it('imports a folder of transcripts, sub-agent files included, and adds nothing the second time', async () => {
    const folders = ['bash-hooks', 'parallel-agents', 'parallel-agents-background', 'sequential-agents'].map((s) => path.join(fixtures, s, 'transcripts'));
    const first = await importTranscripts({ paths: folders, logFile });
    expect(first).toMatchObject({ files: 10, found: 13, hooks: 6, added: 13, alreadyImported: 0, malformed: 0 });
    const before = await readFile(logFile, 'utf8');
    // The whole fixture folder also holds transcript snapshots that hooks saw mid-session: nothing new there either.
    const second = await importTranscripts({ paths: [fixtures, transcript('bash-hooks')], logFile });
    expect(second).toMatchObject({ files: 18, added: 0 });
    expect(second.alreadyImported).toBe(second.found);
    expect(await readFile(logFile, 'utf8')).toBe(before);
    const sessions = new Set((await logged()).map((r) => r.session_id));
    expect(sessions.size).toBe(4);
  });

  it('keeps prompt text, tool input, tool output and hook commands out of the log', async () => {
    await importTranscripts({ paths: [fixtures], logFile });
    const text = await readFile(logFile, 'utf8');
    for (const secret of ['[[SUB:', 'Look into topic', 'bash-tool-ran', 'Report B', '/opt/harness', 'Investigate', '127.0.0.1', 'Subagent hand-back']) {
      expect(text).not.toContain(secret);
    }
  });

  it('reads hook attachments that carry durationMs, and counts malformed lines without failing', async () => {
    const source = lines(transcript('parallel-agents'));
    const attachment = source.find((l) => (l['attachment'] as { type?: string } | undefined)?.type === 'hook_success')!;
    (attachment['attachment'] as Record<string, unknown>)['durationMs'] = 57;
    const file = path.join(dir, 'with-durations.jsonl');
    await writeFile(file, `${source.map((l) => JSON.stringify(l)).join('\n')}\n{"type":"assistant","mess`);
    const result = await importTranscripts({ paths: [file], logFile });
    expect(result.malformed).toBe(1);
    const hook = (await logged()).find((r) => r.event === 'PreToolUse');
    expect(hook).toMatchObject({
      kind: 'hook',
      hook: hookIdForCommand('http://127.0.0.1:43859/hook/noop'),
      duration_ms: 57,
      outcome: 'ok',
      tool_use_id: 'toolu_fake_main_t0_1_1',
      ts: '2026-11-27T16:52:17.015Z',
    });
    expect(hook).not.toHaveProperty('exit_code');
  });

  it('names a missing path', async () => {
    const missing = path.join(dir, 'nope');
    await expect(importTranscripts({ paths: [missing], logFile })).rejects.toThrow(WhiteboxError);
    await expect(importTranscripts({ paths: [missing], logFile })).rejects.toThrow(`Cannot import ${missing}: no such file or folder`);
    await expect(importTranscripts({ paths: [], logFile })).rejects.toThrow(TypeError);
  });
});

describe(createTranscriptTimings, () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, s)).toISOString();
  const use = (id: string, s: number) => ({ type: 'assistant', timestamp: at(s), sessionId: 'S', message: { id: `m${id}`, content: [{ type: 'tool_use', id, name: 'Bash', input: {} }] } });
  const result = (id: string, s: number, block: Record<string, unknown> = {}) => ({
    type: 'user',
    timestamp: at(s),
    sessionId: 'S',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'x', ...block }] },
  });

  it('marks a call a hook denied as blocked and a failed call as an error', () => {
    const timings = createTranscriptTimings({ fallbackSessionId: 'F' });
    for (const line of [
      use('a', 0),
      result('a', 1, { is_error: true, content: 'PreToolUse:Bash hook error: not allowed' }),
      use('b', 2),
      result('b', 5, { is_error: true, content: [{ type: 'text', text: 'Exit code 1' }] }),
    ]) {
      timings.add(line);
    }
    expect(timings.records().map((r) => [r.tool_use_id, r.outcome, r.event, r.duration_ms])).toEqual([
      ['a', 'blocked', 'PostToolUseFailure', 1000],
      ['b', 'error', 'PostToolUseFailure', 3000],
    ]);
  });

  it('skips results without a call, calls without a result, and lines without a time', () => {
    const timings = createTranscriptTimings({ fallbackSessionId: 'F' });
    for (const line of [result('orphan', 1), use('open', 2), { ...use('untimed', 3), timestamp: undefined }, null, 'text', { type: 'system', subtype: 'stop_hook_summary', timestamp: at(4), hookInfos: 'nope' }]) {
      timings.add(line);
    }
    expect(timings.records()).toEqual([]);
  });

  it('falls back to the file’s session id and marks SubagentStop and failed hooks', () => {
    const timings = createTranscriptTimings({ fallbackSessionId: 'from-file' });
    timings.add({
      type: 'system',
      subtype: 'stop_hook_summary',
      isSidechain: true,
      uuid: 'u1',
      timestamp: at(10),
      hookInfos: [
        { command: 'a.sh', durationMs: 100 },
        { command: 'b.sh', durationMs: 400 },
      ],
      failedHookErrorIndexes: [1],
    });
    expect(timings.records().map((r) => [r.session_id, r.event, r.hook, r.outcome, r.ts])).toEqual([
      ['from-file', 'SubagentStop', hookIdForCommand('a.sh'), 'ok', '2026-11-27T12:00:09.600Z'],
      ['from-file', 'SubagentStop', hookIdForCommand('b.sh'), 'error', '2026-11-27T12:00:09.600Z'],
    ]);
  });
});
