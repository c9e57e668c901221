import { describe, expect, it } from 'vitest';
import { createOffloadPlan, renderBatchPrompt, renderPlanMessage } from './create-offload-plan.js';
import type { PlannedFile } from './create-offload-plan.js';

const files: PlannedFile[] = [
  { path: 'src/a.ts', bytes: 40_000, lines: 1200 },
  { path: 'src/b.ts', bytes: 30_000, lines: 900 },
  { path: 'src/c.ts', bytes: 20_000, lines: 600 },
  { path: 'src/d.ts', bytes: 10_000, lines: 300 },
  { path: 'src/e.ts', bytes: 10_000, lines: 250 },
];

describe(createOffloadPlan, () => {
  it('balances the files and counts the context lines saved', () => {
    const plan = createOffloadPlan(files, { batches: 2, maxSummaryLines: 30 });
    expect(plan.batches.map((b) => ({ files: b.files.map((f) => f.path), bytes: b.bytes, lines: b.lines }))).toEqual([
      { files: ['src/a.ts', 'src/d.ts', 'src/e.ts'], bytes: 60_000, lines: 1750 },
      { files: ['src/b.ts', 'src/c.ts'], bytes: 50_000, lines: 1500 },
    ]);
    expect(plan.totals).toEqual({ files: 5, bytes: 110_000, lines: 3250 });
    expect(plan.context).toEqual({ linesRead: 3250, summaryLinesMax: 60, linesSaved: 3190, savedPercent: 98.2 });
    expect(plan.batches.map((b) => b.description)).toEqual(['Summarise 3 files (1/2)', 'Summarise 2 files (2/2)']);
  });

  it('balances on lines when asked', () => {
    const plan = createOffloadPlan(
      [
        { path: 'wide.min.js', bytes: 900_000, lines: 1 },
        { path: 'long.md', bytes: 1000, lines: 900 },
        { path: 'mid.md', bytes: 500, lines: 500 },
      ],
      { batches: 2, weight: 'lines' },
    );
    expect(plan.batches.map((b) => b.files.map((f) => f.path))).toEqual([['long.md'], ['mid.md', 'wide.min.js']]);
    expect(plan.weight).toBe('lines');
  });

  it('never reports negative savings and uses fewer batches than files allow', () => {
    const plan = createOffloadPlan([{ path: 'tiny.ts', bytes: 100, lines: 5 }], { batches: 4, maxSummaryLines: 40 });
    expect(plan.batches).toHaveLength(1);
    expect(plan.context).toEqual({ linesRead: 5, summaryLinesMax: 40, linesSaved: 0, savedPercent: 0 });
  });

  it('includes the one message with every call, in the documented JSON shape', () => {
    const plan = createOffloadPlan(files, { batches: 2, maxSummaryLines: 30, focus: ' how errors propagate ' });
    expect(Object.keys(plan)).toEqual([
      'version',
      'weight',
      'maxSummaryLines',
      'subagentType',
      'focus',
      'totals',
      'batches',
      'context',
      'message',
    ]);
    expect(plan.focus).toBe('how errors propagate');
    expect(Object.keys(plan.batches[0]!)).toEqual(['index', 'files', 'bytes', 'lines', 'description', 'prompt']);
    expect(plan.message).toBe(renderPlanMessage(plan));
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('rejects bad options and file entries with a TypeError naming the value', () => {
    expect(() => createOffloadPlan(files, { batches: 0 })).toThrow(new TypeError('Expected `count` to be an integer ≥ 1, got number 0'));
    expect(() => createOffloadPlan(files, { maxSummaryLines: 2.5 })).toThrow(
      new TypeError('Expected `maxSummaryLines` to be an integer ≥ 1, got number 2.5'),
    );
    expect(() => createOffloadPlan(files, { weight: 'tokens' as 'bytes' })).toThrow(
      new TypeError('Expected `weight` to be "bytes" or "lines", got string "tokens"'),
    );
    expect(() => createOffloadPlan([{ path: 'x', bytes: -1, lines: 0 }])).toThrow(
      new TypeError('Expected files[0] to be { path: string, bytes: integer ≥ 0, lines: integer ≥ 0 }, got an object'),
    );
  });
});

describe(renderBatchPrompt, () => {
  it('asks for one bounded summary and lists the files with their sizes', () => {
    expect(
      renderBatchPrompt(
        [
          { path: 'src/a.ts', bytes: 1, lines: 1200 },
          { path: 'logs/x.log', bytes: 1, lines: 52_345, precision: 'estimate' },
        ],
        { maxSummaryLines: 30, focus: 'the retry logic' },
      ),
    ).toBe(
      [
        'Read these 2 files and reply with one summary of at most 30 lines in total. For each file give its purpose and its main parts with line numbers, and flag anything surprising. Do not paste code.',
        'Focus on: the retry logic',
        '- src/a.ts (1,200 lines)',
        '- logs/x.log (about 52,000 lines)',
      ].join('\n'),
    );
  });

  it('speaks of one file in the singular', () => {
    expect(renderBatchPrompt([{ path: 'a.ts', bytes: 1, lines: 1 }], { maxSummaryLines: 10 })).toBe(
      'Read this file and reply with one summary of at most 10 lines in total. Give its purpose and its main parts with line numbers, and flag anything surprising. Do not paste code.\n- a.ts (1 line)',
    );
  });
});

describe(renderPlanMessage, () => {
  it('tells the agent to send every call in ONE message', () => {
    const plan = createOffloadPlan(files.slice(0, 2), { batches: 2, maxSummaryLines: 20 });
    expect(plan.message).toBe(
      [
        'Make these 2 Agent calls in ONE message so they run in parallel; each returns at most 20 lines. Then continue from the summaries.',
        '',
        'Agent 1 of 2: subagent_type "Explore", description "Summarise 1 file (1/2)", prompt:',
        'Read this file and reply with one summary of at most 20 lines in total. Give its purpose and its main parts with line numbers, and flag anything surprising. Do not paste code.',
        '- src/a.ts (1,200 lines)',
        '',
        'Agent 2 of 2: subagent_type "Explore", description "Summarise 1 file (2/2)", prompt:',
        'Read this file and reply with one summary of at most 20 lines in total. Give its purpose and its main parts with line numbers, and flag anything surprising. Do not paste code.',
        '- src/b.ts (900 lines)',
      ].join('\n'),
    );
  });
});
