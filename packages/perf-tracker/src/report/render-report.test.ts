import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerfRecord } from '@whitebox/core';
import { buildPerfReport } from './build-perf-report.js';
import type { PerfReport } from './perf-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderTable } from './render-table.js';

const UNTIL = Date.parse('2026-11-27T12:00:00.000Z');
let dir: string;
let report: PerfReport;
let empty: PerfReport;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-render-'));
  const file = path.join(dir, 'log.jsonl');
  const lines: PerfRecord[] = [];
  for (let i = 0; i < 30; i++) {
    const at = UNTIL - 86_400_000 + i * 60_000;
    const base = { v: 1, session_id: 's', runner: 'single', outcome: 'ok' } as const;
    lines.push({ ...base, ts: new Date(at).toISOString(), event: 'PreToolUse', kind: 'hook', hook: 'lint<script>', duration_ms: 150 + i, tool_use_id: `t${i}` });
    lines.push({ ...base, ts: new Date(at).toISOString(), event: 'PreToolUse', kind: 'hook', hook: 'fmt|pipe', duration_ms: 20, tool_use_id: `t${i}` });
    lines.push({ ...base, ts: new Date(at).toISOString(), event: 'PostToolUse', kind: 'tool', tool_name: 'Bash', duration_ms: 40, tool_use_id: `t${i}` });
  }
  await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"torn":`);
  report = await buildPerfReport({ file, until: UNTIL, periodMs: 7 * 86_400_000 });
  empty = await buildPerfReport({ file: path.join(dir, 'none.jsonl'), until: UNTIL, periodMs: 7 * 86_400_000 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(renderTable, () => {
  it('shows the period, skipped lines, hooks slowest first, tools, critical paths and suggestions', () => {
    const text = renderTable(report);
    expect(text).toContain('2026-11-20 12:00 → 2026-11-27 12:00 UTC (7 days)');
    expect(text).toContain('skipped 1 malformed line');
    expect(text.indexOf('lint<script>')).toBeLessThan(text.indexOf('fmt|pipe'));
    expect(text).toMatch(/│ PreToolUse\s+│ lint<script>\s+│\s+30 │/);
    expect(text).toContain('Bash');
    expect(text).toContain('lint<script> (100 %, 165 ms)');
    expect(text).toMatch(/1\. \[high\] Speed up lint<script> on PreToolUse/);
    expect(text).not.toContain('\u001b[');
  });

  it('explains how to start recording when there is no log', () => {
    const text = renderTable(empty);
    expect(text).toContain('No timing log at');
    expect(text).toContain('perf-tracker wrap -- <command>');
  });
});

describe(renderMarkdown, () => {
  it('renders GitHub tables with escaped cells', () => {
    const md = renderMarkdown(report, { title: 'Weekly' });
    expect(md.startsWith('# Weekly\n')).toBe(true);
    expect(md).toContain('| Event | Hook | Runs | p50 |');
    expect(md).toContain('| PreToolUse | fmt\\|pipe | 30 |');
    expect(md).toContain('lint&lt;script&gt;');
    expect(md).toContain('## Suggestions');
  });
});

describe(renderHtml, () => {
  it('is one self-contained file with the chart library, the data and escaped names', async () => {
    const html = await renderHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('lint&lt;script&gt;');
    expect(html).not.toContain('lint<script>');
    expect(html).toContain('<canvas id="distribution">');
    expect(html).toContain('<canvas id="over-time">');
  });

  it('leaves the charts out when there is nothing to chart', async () => {
    const html = await renderHtml(empty, { chartJs: '/* chart.js */' });
    expect(html).not.toContain('<canvas');
    expect(html).toContain('No timing log at');
  });
});
