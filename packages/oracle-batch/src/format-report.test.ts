import { describe, expect, it } from 'vitest';
import { aggregateVerdicts } from './aggregate-verdicts.js';
import { formatReportMarkdown } from './format-report.js';
import type { OracleReport, PersonaResult } from './oracle-report.js';

const usage = { promptTokens: 1200, completionTokens: 300, totalTokens: 1500, estimated: false };

const results: PersonaResult[] = [
  {
    persona: 'judge',
    model: 'gpt-4o-mini',
    status: 'answered',
    verdict: { verdict: 'revise', confidence: 0.8, summary: 'Good idea | needs a rollback plan.', reasons: ['no rollback'], risks: ['data loss'] },
    cached: false,
    calls: 1,
    attempts: 1,
    durationMs: 2900,
    usage,
    costUsd: 0.00036,
  },
  {
    persona: 'critic',
    model: 'gpt-4o-mini',
    status: 'answered',
    verdict: { verdict: 'approve', confidence: 0.6, summary: 'Fine.', reasons: ['small', 'tested'], risks: [] },
    cached: true,
    calls: 0,
    attempts: 0,
    durationMs: 1,
    usage,
    costUsd: 0.00036,
  },
  {
    persona: 'skeptic',
    model: 'gpt-4o-mini',
    status: 'failed',
    error: { code: 'TIMEOUT', message: 'POST http://h/v1/chat/completions: no complete response within 30 s', status: null },
    attempts: 2,
    durationMs: 30_000,
  },
];

const report: OracleReport = {
  schemaVersion: 1,
  proposal: 'Move the cache to Redis\nwith details below',
  results,
  aggregate: aggregateVerdicts(results),
  usage,
  costUsd: 0.00036,
  durationMs: 30_100,
};

describe(formatReportMarkdown, () => {
  it('leads with the decision, then the table, dissent, details, failures and totals', () => {
    const text = formatReportMarkdown(report);
    expect(text).toMatch(/^# Oracle: revise \(2 of 3 answered, consensus 57% \(majority\)\)\n\n\*\*Proposal:\*\* Move the cache to Redis\n/);
    expect(text).toContain('| judge | revise | 0.80 | Good idea \\| needs a rollback plan. |');
    expect(text).toContain('| critic | approve (cached) | 0.60 | Fine. |');
    expect(text).toContain('| skeptic | **failed** | – | TIMEOUT: POST http://h/v1/chat/completions: no complete response within 30 s |');
    expect(text).toContain('Score +0.43 (−1 reject … +1 approve) · approve 1 · revise 1 · reject 0');
    expect(text).toContain('## Dissent\n\n- **critic** (approve, 0.60): small; tested');
    expect(text).toContain('## judge: revise (0.80)\n\nGood idea | needs a rollback plan.\n\n**Reasons**\n\n- no rollback\n\n**Risks**\n\n- data loss');
    expect(text).toContain('## Failed\n\n- **skeptic** (gpt-4o-mini after 2 attempts): POST http://h/v1/chat/completions: no complete response within 30 s');
    expect(text.endsWith('---\n1,500 tokens · $0.0004 · 30.1 s\n')).toBe(true);
  });

  it('says there is no verdict when everyone failed', () => {
    const failedOnly = results.filter((result) => result.status === 'failed');
    const text = formatReportMarkdown({ ...report, results: failedOnly, aggregate: aggregateVerdicts(failedOnly), costUsd: null, usage: { ...usage, estimated: true } });
    expect(text).toMatch(/^# Oracle: no verdict \(all 1 persona failed\)/);
    expect(text).not.toContain('Score');
    expect(text).toContain('~1,500 tokens · cost unknown');
  });
});
