import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isoWeek, writeWeeklyReport } from './write-weekly-report.js';

describe(isoWeek, () => {
  it.each([
    ['2026-11-27T12:00:00Z', '2026-W48'],
    ['2026-11-23T00:00:00Z', '2026-W48'],
    ['2026-11-22T23:59:59Z', '2026-W47'],
    ['2026-12-31T12:00:00Z', '2026-W53'],
    ['2027-01-01T12:00:00Z', '2026-W53'],
    ['2027-01-04T00:00:00Z', '2027-W01'],
    ['2024-12-30T08:00:00Z', '2025-W01'],
    ['2021-01-03T08:00:00Z', '2020-W53'],
  ])('puts %s in %s', (date, week) => {
    expect(isoWeek(Date.parse(date))).toBe(week);
  });
});

describe(writeWeeklyReport, () => {
  let dir: string;
  let logFile: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perf-weekly-'));
    logFile = path.join(dir, '.claude', 'memory', 'hook_performance.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const line = (hook: string, ts: string, ms: number) =>
    `${JSON.stringify({ v: 1, ts, session_id: 's', event: 'Stop', kind: 'hook', hook, duration_ms: ms, outcome: 'ok', runner: 'single' })}\n`;

  it('rewrites the same file within a week and starts a new one the next week', async () => {
    await mkdir(path.dirname(logFile), { recursive: true });
    await writeFile(logFile, line('first-hook', '2026-11-26T10:00:00Z', 120));

    const friday = await writeWeeklyReport({ projectDir: dir, logFile, now: Date.parse('2026-11-27T12:00:00Z') });
    expect(friday.file).toBe(path.join(dir, '.claude', 'memory', 'reports', 'hook-performance-2026-W48.md'));
    const first = await readFile(friday.file, 'utf8');
    expect(first.startsWith('# Hook performance, week 2026-W48\n')).toBe(true);
    expect(first).toContain('first-hook');

    const again = await writeWeeklyReport({ projectDir: dir, logFile, now: Date.parse('2026-11-27T12:00:00Z') });
    expect(await readFile(again.file, 'utf8')).toBe(first);

    await appendFile(logFile, line('second-hook', '2026-11-28T10:00:00Z', 30));
    const sunday = await writeWeeklyReport({ projectDir: dir, logFile, now: Date.parse('2026-11-29T20:00:00Z') });
    expect(sunday.file).toBe(friday.file);
    expect(await readFile(sunday.file, 'utf8')).toContain('second-hook');
    const reports = path.dirname(friday.file);
    expect(await readdir(reports)).toEqual(['hook-performance-2026-W48.md']);

    const monday = await writeWeeklyReport({ projectDir: dir, logFile, now: Date.parse('2026-11-30T08:00:00Z') });
    expect(monday.week).toBe('2026-W49');
    expect((await readdir(reports)).sort()).toEqual(['hook-performance-2026-W48.md', 'hook-performance-2026-W49.md']);
  });

  it('writes a friendly report when there is no log yet', async () => {
    const result = await writeWeeklyReport({ projectDir: dir, logFile, now: Date.parse('2026-11-27T12:00:00Z') });
    expect(await readFile(result.file, 'utf8')).toContain('No timing log at');
  });
});
