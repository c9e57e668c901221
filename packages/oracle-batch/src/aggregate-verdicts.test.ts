import { describe, expect, it } from 'vitest';
import { aggregateVerdicts } from './aggregate-verdicts.js';
import type { PersonaResult, VerdictKind } from './oracle-report.js';

const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, estimated: false };

function answered(persona: string, verdict: VerdictKind, confidence: number, reasons: string[] = [`${persona} says so`]): PersonaResult {
  return {
    persona,
    model: 'm',
    status: 'answered',
    verdict: { verdict, confidence, summary: '', reasons, risks: [] },
    cached: false,
    calls: 1,
    attempts: 1,
    durationMs: 1,
    usage,
    costUsd: 0,
  };
}

function failed(persona: string): PersonaResult {
  return { persona, model: 'm', status: 'failed', error: { code: 'TIMEOUT', message: 'slow', status: null }, attempts: 1, durationMs: 1 };
}

describe(aggregateVerdicts, () => {
  it('reports a unanimous decision with score +1 for all approvals', () => {
    expect(aggregateVerdicts([answered('a', 'approve', 0.9), answered('b', 'approve', 0.4)])).toEqual({
      answered: 2,
      failed: 0,
      tally: { approve: 2, revise: 0, reject: 0 },
      decision: 'approve',
      score: 1,
      consensus: 1,
      consensusLabel: 'unanimous',
      dissenters: [],
    });
  });

  it('weighs votes by confidence, so one sure reject outweighs two unsure approvals', () => {
    const result = aggregateVerdicts([answered('a', 'approve', 0.3), answered('b', 'approve', 0.3), answered('c', 'reject', 0.9, ['data loss'])]);
    expect(result.tally).toEqual({ approve: 2, revise: 0, reject: 1 });
    expect(result.decision).toBe('reject');
    expect(result.consensus).toBe(0.6);
    expect(result.consensusLabel).toBe('majority');
    // (0.3 + 0.3 − 0.9) / 1.5
    expect(result.score).toBe(-0.2);
    expect(result.dissenters).toEqual([
      { persona: 'a', verdict: 'approve', confidence: 0.3, reasons: ['a says so'] },
      { persona: 'b', verdict: 'approve', confidence: 0.3, reasons: ['b says so'] },
    ]);
  });

  it('breaks ties towards the more cautious verdict', () => {
    expect(aggregateVerdicts([answered('a', 'approve', 0.5), answered('b', 'reject', 0.5)]).decision).toBe('reject');
    expect(aggregateVerdicts([answered('a', 'approve', 0.5), answered('b', 'revise', 0.5)]).decision).toBe('revise');
  });

  it('labels the strength of the consensus', () => {
    const strong = aggregateVerdicts([answered('a', 'revise', 0.8), answered('b', 'revise', 0.8), answered('c', 'revise', 0.8), answered('d', 'approve', 0.8)]);
    expect(strong).toMatchObject({ decision: 'revise', consensus: 0.75, consensusLabel: 'strong', score: 0.25 });
    const split = aggregateVerdicts([answered('a', 'approve', 0.5), answered('b', 'revise', 0.5), answered('c', 'reject', 0.5)]);
    expect(split).toMatchObject({ decision: 'reject', consensusLabel: 'split', score: 0 });
  });

  it('counts votes equally when every confidence is 0', () => {
    const result = aggregateVerdicts([answered('a', 'approve', 0), answered('b', 'approve', 0), answered('c', 'reject', 0)]);
    expect(result).toMatchObject({ decision: 'approve', consensus: 0.667, score: 0.333 });
  });

  it('leaves failed personas out of the vote but counts them', () => {
    const result = aggregateVerdicts([answered('a', 'approve', 0.7), failed('b')]);
    expect(result).toMatchObject({ answered: 1, failed: 1, decision: 'approve', consensusLabel: 'unanimous' });
  });

  it('has no decision when nobody answered', () => {
    expect(aggregateVerdicts([failed('a'), failed('b')])).toEqual({
      answered: 0,
      failed: 2,
      tally: { approve: 0, revise: 0, reject: 0 },
      decision: null,
      score: null,
      consensus: null,
      consensusLabel: 'none',
      dissenters: [],
    });
  });
});
