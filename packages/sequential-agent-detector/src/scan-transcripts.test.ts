import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, createColors, WhiteboxError } from '@whitebox/core';
import { fixturesDir, makeTempDir, realCapturesDir, transcriptsDir } from '../test-fixtures/helpers.js';
import { formatDuration, formatScanReport } from './format-scan-report.js';
import { scanTranscripts } from './scan-transcripts.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe(scanTranscripts, () => {
  it('reports calls, parallel batches, chains and lost time per session on the fixture transcripts', async () => {
    const report = await scanTranscripts([transcriptsDir]);
    const rows = Object.fromEntries(
      report.sessions.map((s) => [s.sessionId, [s.calls, s.foreground, s.background, s.refused, s.parallelBatches, s.sequentialCalls, s.chains.length, s.lostMs]]),
    );
    expect(rows).toEqual({
      'sequential-several-blocks-per-line': [5, 5, 0, 0, 1, 2, 1, 8300],
      'dependent-reissue': [3, 2, 0, 1, 0, 1, 1, 4000],
      'sidechain-nested': [4, 4, 0, 0, 0, 2, 2, 2500],
      'parallel-one-line-per-block': [2, 2, 0, 0, 1, 0, 0, 0],
      'background-launches': [3, 1, 2, 0, 0, 0, 0, 0],
    });
    expect(report.sessions[0]!.sessionId).toBe('sequential-several-blocks-per-line');
    expect(report.files).toBe(5);
    expect(report.skipped).toEqual([]);
  });

  it('describes each chain call by call', async () => {
    const report = await scanTranscripts([path.join(transcriptsDir, 'sequential-several-blocks-per-line.jsonl')]);
    expect(report.sessions[0]!.chains).toEqual([
      {
        scope: 'main',
        promptId: undefined,
        startedAt: Date.parse('2026-03-02T09:00:10.000Z'),
        batches: [
          [{ id: 'toolu_02B1', description: 'Check api service', outcome: 'foreground', durationMs: 5000 }],
          [{ id: 'toolu_02B2', description: 'Check worker service', outcome: 'foreground', durationMs: 3300 }],
          [{ id: 'toolu_02B3', description: 'Check cron service', outcome: 'foreground', durationMs: 7000 }],
        ],
        waitedMs: 15_300,
        longestMs: 7000,
        lostMs: 8300,
      },
    ]);
  });

  it('walks a projects folder, sub-agent transcripts included, grouped by session', async () => {
    const projects = path.join(dir, 'projects');
    await cp(path.join(fixturesDir, 'projects'), projects, { recursive: true });
    await cp(path.join(realCapturesDir, 'sequential-agents', 'transcripts'), path.join(projects, '-home-dev-project'), { recursive: true });
    const report = await scanTranscripts([projects]);
    expect(report.files).toBe(5);
    const byId = Object.fromEntries(report.sessions.map((s) => [s.sessionId, s]));
    expect(byId['5b0c1a2e-0006-4000-8000-00000000000f']).toMatchObject({ project: '-home-dev-demo', files: 2, calls: 3, lostMs: 2500 });
    expect(byId['5b0c1a2e-0006-4000-8000-00000000000f']!.chains[0]!.scope).toBe('a0nested0000f01');
    // The real capture: A (1647 ms) then B (1607 ms), one message each.
    expect(byId['3f0718dc-8830-4908-8022-3bfcd693084d']).toMatchObject({ calls: 2, sequentialCalls: 1, lostMs: 1607 });
  });

  it('streams a transcript with a very long line and a cut-off last line', async () => {
    const file = path.join(dir, 'big.jsonl');
    const source = await import('node:fs/promises').then((fs) => fs.readFile(path.join(transcriptsDir, 'sequential-several-blocks-per-line.jsonl'), 'utf8'));
    const huge = JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_read', content: 'x'.repeat(5_000_000) }] } });
    const [first, ...rest] = source.trimEnd().split('\n');
    await writeFile(file, [first, huge, ...rest].join('\n') + '\n{"type":"assistant","message":{"id":"msg_cut","content":[{"type":"tool_u');
    const report = await scanTranscripts([file], { chunkBytes: 4096 });
    expect(report.sessions[0]).toMatchObject({ calls: 5, lostMs: 8300 });
    expect(report.lines).toBe(13);
  });

  it('rejects with IO naming a path that does not exist', async () => {
    const missing = path.join(dir, 'nope');
    const error = await scanTranscripts([missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'IO', message: `No such file or directory: ${missing}` });
  });

  it('stops with AbortedError when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(scanTranscripts([transcriptsDir], { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });

  it('throws a TypeError for paths that are not strings', async () => {
    await expect(scanTranscripts([42 as unknown as string])).rejects.toThrow(TypeError);
  });
});

describe(formatScanReport, () => {
  it('prints one row per session, its chains, and the totals', async () => {
    const report = await scanTranscripts([path.join(transcriptsDir, 'dependent-reissue.jsonl')]);
    const text = formatScanReport(report, { colors: createColors({ isTTY: false }, {}) });
    expect(text).toMatch(/^session\s+calls\s+parallel\s+chains\s+lost\s+project\n/);
    expect(text).toMatch(/dependent-reissue\s+3\s+0\s+1\s+4\.0 s\s+transcripts/);
    expect(text).toContain('chain 1: Find the failing test (4.0 s) → Fix timezone handling in parser.ts (5.0 s); waited 9.0 s, parallel 5.0 s, lost 4.0 s');
    expect(text).toContain('1 session(s), 3 sub-agent call(s), 0 parallel batch(es), 1 sequential chain(s), 4.0 s lost');
  });

  it('says so when there are no sub-agent calls', async () => {
    const report = await scanTranscripts([path.join(realCapturesDir, 'bash-hooks', 'transcripts')]);
    expect(formatScanReport(report, { colors: createColors({ isTTY: false }, {}) })).toMatch(/^No sub-agent calls found\./);
  });
});

describe(formatDuration, () => {
  it.each([
    [850, '850 ms'],
    [12_400, '12.4 s'],
    [185_000, '3 min 05 s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
