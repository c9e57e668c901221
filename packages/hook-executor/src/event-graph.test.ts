import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { PerfRecord } from '@whitebox/core';
import { buildEventGraph, hookTimings, renderGraphMermaid, renderGraphText } from './event-graph.js';
import type { ExecutorEvent } from './executor-config.js';
import { createFixtureProject, runBin } from './test-support/fixture-project.js';

const record = (hook: string, duration_ms: number, event = 'PreToolUse'): PerfRecord => ({
  v: 1,
  ts: '2026-01-01T00:00:00.000Z',
  session_id: 's',
  event,
  kind: 'hook',
  hook,
  duration_ms,
  outcome: 'ok',
  runner: 'executor-parallel',
});

const block: ExecutorEvent = {
  maxConcurrency: 4,
  hooks: [
    { id: 'load', command: 'load.sh' },
    { id: 'lint', matcher: 'Edit|Write', command: 'lint.sh', after: ['load'] },
    { id: 'types', command: 'tsc', args: ['--noEmit'], after: ['load'] },
    { id: 'summary', module: 'summary.mjs', cpu: true, after: ['lint', 'types'] },
    { id: 'audit', command: 'audit.sh' },
  ],
};

describe(hookTimings, () => {
  it('takes the median per hook of the event\'s hook records only', () => {
    const timings = hookTimings([record('a', 10), record('a', 30), record('a', 20), record('b', 5), record('a', 999, 'Stop')], 'PreToolUse');
    expect(timings.get('a')).toEqual({ medianMs: 20, count: 3 });
    expect(timings.get('b')).toEqual({ medianMs: 5, count: 1 });
  });
});

describe(buildEventGraph, () => {
  it('finds the critical path by recorded durations', () => {
    const graph = buildEventGraph('PreToolUse', block, hookTimings([record('load', 10), record('lint', 40), record('types', 90), record('summary', 5), record('audit', 60)], 'PreToolUse'));
    expect(graph.criticalPath).toEqual({ ids: ['load', 'types', 'summary'], durationMs: 105 });
    expect(graph.sequentialMs).toBe(205);
  });

  it('renders text with the path marked, and Mermaid with edges and the path highlighted', () => {
    const graph = buildEventGraph('PreToolUse', block, hookTimings([record('load', 10), record('types', 90)], 'PreToolUse'));
    const text = renderGraphText(graph);
    expect(text).toContain('PreToolUse: 5 hooks, at most 4 at once');
    expect(text).toContain('* types    90.0 ms median of 1   after load\n');
    expect(text).toContain('  lint     no timings            [Edit|Write]  after load\n');
    expect(text).toContain('  audit    no timings\n');
    expect(text).toContain('critical path (*): load → types → summary = 100 ms');
    const mermaid = renderGraphMermaid(graph);
    expect(mermaid).toContain('flowchart LR');
    expect(mermaid).toContain('h_load --> h_types');
    expect(mermaid).toContain('h_summary["summary<br/>no timings"]');
    expect(mermaid).toContain('class h_load,h_types,h_summary critical');
  });
});

describe('hook-executor graph (bundled CLI)', () => {
  it('prints the graph with timings from hook_performance.jsonl', async () => {
    const project = await createFixtureProject({ events: { PreToolUse: block } });
    try {
      await mkdir(project.file('.claude/memory'), { recursive: true });
      await writeFile(project.file('.claude/memory/hook_performance.jsonl'), [record('load', 12), record('types', 30)].map((r) => JSON.stringify(r)).join('\n') + '\n');
      const result = await runBin(['graph', '--event', 'PreToolUse'], { cwd: project.dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('critical path (*): load → types → summary = 42.0 ms');
      expect(result.stdout).toContain('```mermaid\nflowchart LR');
      const missing = await runBin(['graph', '--event', 'Stop'], { cwd: project.dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('has no hooks for Stop (it has: PreToolUse)');
    } finally {
      await project.cleanup();
    }
  });
});
