import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PerfRecord } from '@whitebox/core';
import { buildPerfReport } from './build-perf-report.js';
import type { HookRow, PerfReport } from './perf-report.js';

const UNTIL = Date.parse('2026-11-27T12:00:00.000Z');
const WEEK = 7 * 86_400_000;
const MIN = 60_000;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-report-'));
  file = path.join(dir, 'hook_performance.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function hook(hookId: string, event: string, at: number, duration: number, extra: Partial<PerfRecord> = {}): PerfRecord {
  return {
    v: 1,
    ts: new Date(at).toISOString(),
    session_id: 's1',
    event,
    kind: 'hook',
    hook: hookId,
    duration_ms: duration,
    outcome: 'ok',
    runner: 'single',
    ...extra,
  };
}

async function writeLog(lines: readonly (PerfRecord | string | object)[]): Promise<void> {
  await writeFile(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
}

/** HDR percentiles are exact to 3 significant digits. */
function expectApprox(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.01);
}

function row(report: PerfReport, hookId: string): HookRow {
  const found = report.hooks.find((h) => h.hook === hookId);
  if (found === undefined) throw new Error(`no row for ${hookId}`);
  return found;
}

describe(buildPerfReport, () => {
  it('matches a hand-computed fixture: percentiles, totals, failures, shares, trend, critical path', async () => {
    const start = Date.parse('2026-11-26T10:00:00.000Z');
    const lines: (PerfRecord | string | object)[] = [];
    for (let i = 1; i <= 10; i++) {
      const at = start + i * MIN;
      const tool = { tool_use_id: `toolu_${i}`, tool_name: 'Bash' };
      lines.push(hook('lint', 'PreToolUse', at, i * 10, { ...tool, outcome: i === 5 ? 'error' : 'ok' }));
      lines.push(hook('fmt', 'PreToolUse', at + 1, 5, tool));
    }
    for (const [i, ms] of [200, 400, 600, 800].entries()) {
      lines.push(hook('notify', 'Stop', start + i * 3_600_000, ms, { outcome: ms === 800 ? 'timeout' : 'ok' }));
    }
    // The previous week: lint took 40 ms five times.
    for (let i = 0; i < 5; i++) lines.push(hook('lint', 'PreToolUse', UNTIL - WEEK - (i + 1) * 3_600_000, 40, { tool_use_id: `toolu_old_${i}` }));
    // Older than both periods: ignored.
    lines.push(hook('lint', 'PreToolUse', UNTIL - 3 * WEEK, 99_999));
    // Tools.
    lines.push({ ...hook('x', 'PostToolUse', start, 100), kind: 'tool', hook: undefined, tool_name: 'Bash', tool_use_id: 'toolu_t1' });
    lines.push({ ...hook('x', 'PostToolUseFailure', start, 300), kind: 'tool', hook: undefined, tool_name: 'Bash', tool_use_id: 'toolu_t2', outcome: 'error' });
    // Bad input: counted, never fatal.
    lines.push('{"v":1,"ts":"2026-11-26T1');
    lines.push('not json at all');
    lines.push({ ...hook('future', 'Stop', start, 1), v: 2 });
    lines.push({ ...hook('bad', 'Stop', start, 1), ts: 'yesterday' });
    lines.push({ ...hook('imported', 'Stop', start + 5 * MIN, 7), runner: 'import', key: 'import:hook:s1:u1:0' });
    lines.push({ ...hook('imported', 'Stop', start + 5 * MIN, 7), runner: 'import', key: 'import:hook:s1:u1:0' });
    lines.push('');
    await writeLog(lines);

    const report = await buildPerfReport({ file, until: UNTIL, periodMs: WEEK });

    expect(report.period).toEqual({ since: '2026-11-20T12:00:00.000Z', until: '2026-11-27T12:00:00.000Z' });
    expect(report.previousPeriod).toEqual({ since: '2026-11-13T12:00:00.000Z', until: '2026-11-20T12:00:00.000Z' });
    expect(report.input).toMatchObject({ exists: true, malformed: 2, unknownVersion: 1, invalid: 1, duplicates: 1, records: 27, previousRecords: 5 });

    expect(report.hooks.map((h) => h.hook)).toEqual(['notify', 'lint', 'imported', 'fmt']);

    const lint = row(report, 'lint');
    expect(lint).toMatchObject({ event: 'PreToolUse', count: 10, max: 100, total: 550, failures: 1, timeouts: 0, blocked: 0, critical: 1 });
    expectApprox(lint.p50, 50);
    expectApprox(lint.p95, 100);
    expectApprox(lint.p99, 100);
    expect(lint.share).toBeCloseTo(550 / 600, 3);
    expect(lint.previous).toMatchObject({ count: 5 });
    expectApprox(lint.previous!.p95, 40);
    expect(lint.p95Change).toBeCloseTo(1.5, 2);

    const fmt = row(report, 'fmt');
    expect(fmt).toMatchObject({ count: 10, total: 50, critical: 0 });
    expectApprox(fmt.p50, 5);
    expect(fmt.share).toBeCloseTo(50 / 600, 3);
    expect(fmt.previous).toBeUndefined();

    const notify = row(report, 'notify');
    expect(notify).toMatchObject({ event: 'Stop', count: 4, max: 800, total: 2000, timeouts: 1, failures: 0 });
    expectApprox(notify.p50, 400);
    expectApprox(notify.p95, 800);
    expect(notify.share).toBeCloseTo(2000 / 2007, 3);

    expect(report.tools).toHaveLength(1);
    expect(report.tools[0]).toMatchObject({ tool: 'Bash', count: 2, max: 300, total: 400, failures: 1 });
    expectApprox(report.tools[0]!.p50, 100);
    expectApprox(report.tools[0]!.p95, 300);

    const pre = report.events.find((e) => e.event === 'PreToolUse')!;
    expect(pre).toMatchObject({ firings: 10, hookTime: 600, sequential: [] });
    expect(pre.criticalPaths).toEqual([{ hooks: ['lint'], firings: 10, meanWall: 55 }]);
    expectApprox(pre.wall.p50, 50);
    const stop = report.events.find((e) => e.event === 'Stop')!;
    expect(stop.firings).toBe(5);
    expect(stop.criticalPaths[0]).toEqual({ hooks: ['notify'], firings: 4, meanWall: 500 });
  });

  it('filters by event and by hook', async () => {
    const at = UNTIL - 3_600_000;
    await writeLog([
      hook('a', 'PreToolUse', at, 10, { tool_use_id: 't' }),
      hook('b', 'Stop', at, 20),
      { ...hook('x', 'PostToolUse', at, 30), kind: 'tool', tool_name: 'Read' },
    ]);
    const byEvent = await buildPerfReport({ file, until: UNTIL, periodMs: WEEK, event: 'Stop' });
    expect(byEvent.hooks.map((h) => h.hook)).toEqual(['b']);
    expect(byEvent.tools).toEqual([]);
    expect(byEvent.filters).toEqual({ event: 'Stop' });
    const byHook = await buildPerfReport({ file, until: UNTIL, periodMs: WEEK, hook: 'a' });
    expect(byHook.hooks.map((h) => h.hook)).toEqual(['a']);
    expect(byHook.tools).toEqual([]);
  });

  it('reports on all time without a trend when no period is given', async () => {
    await writeLog([hook('a', 'Stop', UNTIL - 400 * 86_400_000, 10), hook('a', 'Stop', UNTIL - 1000, 30)]);
    const report = await buildPerfReport({ file, until: UNTIL });
    expect(report.period.since).toBeNull();
    expect(report.previousPeriod).toBeNull();
    expect(row(report, 'a')).toMatchObject({ count: 2, total: 40 });
    expect(row(report, 'a').previous).toBeUndefined();
  });

  it('gives a friendly empty report for a missing log', async () => {
    const report = await buildPerfReport({ file: path.join(dir, 'missing.jsonl'), until: UNTIL, periodMs: WEEK });
    expect(report.input).toMatchObject({ exists: false, lines: 0, records: 0 });
    expect(report.hooks).toEqual([]);
    expect(report.suggestions).toEqual([]);
  });

  it('rejects bad options with TypeErrors naming the value', async () => {
    await expect(buildPerfReport({ file: '', until: UNTIL })).rejects.toThrow(TypeError);
    await expect(buildPerfReport({ file, until: Number.NaN })).rejects.toThrow('`until`');
    await expect(buildPerfReport({ file, until: UNTIL, periodMs: -1 })).rejects.toThrow('`periodMs`');
    await expect(buildPerfReport({ file, until: UNTIL, budgetMs: 0 })).rejects.toThrow('`budgetMs`');
  });
});

describe('report suggestions', () => {
  async function suggestionsFor(lines: PerfRecord[]) {
    await writeLog(lines);
    return (await buildPerfReport({ file, until: UNTIL, periodMs: WEEK })).suggestions;
  }
  const base = UNTIL - 2 * 86_400_000;

  it('flags hooks over the latency budget with their numbers as evidence', async () => {
    const lines = [50, 150, 300, 400].map((ms, i) => hook('slow', 'PreToolUse', base + i * MIN, ms, { tool_use_id: `t${i}` }));
    const [s] = await suggestionsFor([...lines, hook('fast', 'PreToolUse', base, 20, { tool_use_id: 't0' })]);
    expect(s).toMatchObject({ kind: 'over-budget', severity: 'high', event: 'PreToolUse', hooks: ['slow'] });
    expect(s!.message).toContain('100 ms budget');
    expect(s!.evidence).toMatch(/^4 runs: p50 150 ms, p95 400 ms/);
  });

  it('recommends hook-executor for hooks of one event that ran one after another', async () => {
    const lines: PerfRecord[] = [];
    for (let i = 0; i < 3; i++) {
      const at = base + i * 10 * MIN;
      lines.push(hook('a', 'UserPromptSubmit', at, 60), hook('b', 'UserPromptSubmit', at + 90, 50));
      // lint and fmt overlap: Claude Code ran them together; nothing to gain.
      lines.push(hook('lint', 'PreToolUse', at, 60, { tool_use_id: `t${i}` }), hook('fmt', 'PreToolUse', at + 2, 50, { tool_use_id: `t${i}` }));
    }
    const parallel = (await suggestionsFor(lines)).filter((s) => s.kind === 'run-in-parallel');
    expect(parallel).toHaveLength(1);
    expect(parallel[0]).toMatchObject({ event: 'UserPromptSubmit', hooks: ['a', 'b'], severity: 'medium' });
    expect(parallel[0]!.message).toContain('hook-executor');
    expect(parallel[0]!.evidence).toBe('Sequential in 3 of 3 UserPromptSubmit firings; mean wall 140 ms, of which 80.0 ms is beyond the slowest hook (240 ms in total).');
  });

  it('does not merge separate firings of the same hook into one sequential run', async () => {
    const lines = [hook('a', 'SubagentStop', base, 40), hook('a', 'SubagentStop', base + 100, 40), hook('a', 'SubagentStop', base + 200, 40)];
    expect((await suggestionsFor(lines)).filter((s) => s.kind === 'run-in-parallel')).toEqual([]);
  });

  it('points out hooks whose outcome never changes', async () => {
    const lines: PerfRecord[] = [];
    for (let i = 0; i < 20; i++) {
      lines.push(hook('observer', 'PostToolUse', base + i * MIN, 15, { tool_use_id: `t${i}` }));
      lines.push(hook('cheap', 'PostToolUse', base + i * MIN, 2, { tool_use_id: `t${i}` }));
      lines.push(hook('broken', 'Stop', base + i * MIN, 5, { outcome: 'error' }));
      lines.push(hook('mixed', 'Stop', base + i * MIN + 1000, 5, { outcome: i === 7 ? 'blocked' : 'ok' }));
    }
    const constant = (await suggestionsFor(lines)).filter((s) => s.kind === 'constant-outcome');
    expect(constant.map((s) => [s.hooks[0], s.severity])).toEqual([
      ['broken', 'high'],
      ['observer', 'low'],
    ]);
    expect(constant[1]!.message).toContain('"async": true');
    expect(constant[1]!.evidence).toContain('All 20 runs ended "ok"');
  });

  it('needs enough runs before calling an outcome constant', async () => {
    const lines = Array.from({ length: 19 }, (_, i) => hook('young', 'Stop', base + i * MIN, 5));
    expect(await suggestionsFor(lines)).toEqual([]);
  });

  it('flags frequent timeouts', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => hook('flaky', 'Stop', base + i * MIN, i < 4 ? 5000 : 20, { outcome: i < 4 ? 'timeout' : 'ok' }));
    const timeouts = (await suggestionsFor(lines)).filter((s) => s.kind === 'frequent-timeouts');
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toMatchObject({ hooks: ['flaky'], severity: 'high' });
    expect(timeouts[0]!.evidence).toBe('4 of 10 runs timed out (40 %), typically after 5000 ms.');
  });

  it('spots a timeout given in milliseconds where Claude Code reads seconds', async () => {
    const lines = [hook('slowpoke', 'PreToolUse', base, 5_000_012, { outcome: 'timeout', tool_use_id: 't' }), hook('slowpoke', 'PreToolUse', base + MIN, 30, { tool_use_id: 'u' })];
    const units = (await suggestionsFor(lines)).filter((s) => s.kind === 'timeout-units');
    expect(units).toHaveLength(1);
    expect(units[0]!.message).toContain('probably 5000 meant as milliseconds');
    expect(units[0]!.message).toContain('Write 5 instead');
    expect(units[0]!.evidence).toContain('5,000 s');
  });

  it('says nothing about healthy hooks', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => hook('quick', 'PreToolUse', base + i * MIN, 12, { tool_use_id: `t${i}` }));
    expect(await suggestionsFor(lines)).toEqual([]);
  });
});
