import { describe, expect, it } from 'vitest';
import type { PersonaResult } from '@whitebox/oracle-batch';
import { measureConvergence } from './measure-convergence.js';

type Kind = 'approve' | 'revise' | 'reject';

function answered(persona: string, verdict: Kind, confidence: number): PersonaResult {
  return {
    persona,
    model: 'm',
    status: 'answered',
    verdict: { verdict, confidence, summary: '', reasons: [], risks: [] },
    cached: false,
    calls: 1,
    attempts: 1,
    durationMs: 1,
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, estimated: false },
    costUsd: 0,
  };
}

function failed(persona: string): PersonaResult {
  return { persona, model: 'm', status: 'failed', error: { code: 'PROVIDER', message: 'down', status: 500 }, attempts: 1, durationMs: 1 };
}

const yes = { converged: true };
const no = { converged: false };

describe(measureConvergence, () => {
  it('converges when the arbiter says so and the verdicts are unanimous', () => {
    const result = measureConvergence({ synthesis: yes, results: [answered('a', 'approve', 0.9), answered('b', 'approve', 0.2)] });
    expect(result).toMatchObject({ arbiterConverged: true, unanimous: true, stable: false, maxConfidenceDelta: null, converged: true });
    expect(result.reason).toMatch(/^converged: .*unanimous/);
  });

  it('does not converge when the arbiter says not, even over a unanimous council', () => {
    const result = measureConvergence({ synthesis: no, results: [answered('a', 'approve', 0.9), answered('b', 'approve', 0.9)] });
    expect(result.converged).toBe(false);
    expect(result.reason).toMatch(/^not converged: the arbiter said not/);
  });

  it('overrules an asserted convergence over a split council in round 1', () => {
    const result = measureConvergence({ synthesis: yes, results: [answered('a', 'approve', 0.9), answered('b', 'reject', 0.9)] });
    expect(result).toMatchObject({ unanimous: false, stable: false, converged: false });
    expect(result.reason).toContain('not measured');
  });

  it('converges on a split council whose verdicts held and confidences moved less than ε', () => {
    const previous = [answered('a', 'approve', 0.8), answered('b', 'reject', 0.6)];
    const results = [answered('a', 'approve', 0.84), answered('b', 'reject', 0.58)];
    const result = measureConvergence({ synthesis: yes, results, previous, epsilon: 0.05 });
    expect(result).toMatchObject({ unanimous: false, stable: true, maxConfidenceDelta: 0.04, converged: true });
  });

  it('is not stable when a confidence moved by ε or more', () => {
    const previous = [answered('a', 'approve', 0.7), answered('b', 'reject', 0.6)];
    const results = [answered('a', 'approve', 0.75), answered('b', 'reject', 0.6)];
    expect(measureConvergence({ synthesis: yes, results, previous, epsilon: 0.05 })).toMatchObject({ maxConfidenceDelta: 0.05, stable: false, converged: false });
  });

  it('is not stable when a persona changed its verdict at the same confidence', () => {
    const previous = [answered('a', 'approve', 0.7), answered('b', 'reject', 0.6)];
    const results = [answered('a', 'revise', 0.7), answered('b', 'reject', 0.6)];
    expect(measureConvergence({ synthesis: yes, results, previous })).toMatchObject({ maxConfidenceDelta: 0, stable: false, converged: false });
  });

  it('compares only personas that answered both rounds, and needs at least one', () => {
    const previous = [answered('a', 'approve', 0.7), failed('b')];
    const results = [answered('a', 'approve', 0.71), answered('b', 'reject', 0.1)];
    expect(measureConvergence({ synthesis: yes, results, previous })).toMatchObject({ maxConfidenceDelta: 0.01, stable: true });
    expect(measureConvergence({ synthesis: yes, results: [answered('b', 'reject', 0.1), answered('c', 'approve', 1)], previous })).toMatchObject({
      maxConfidenceDelta: null,
      stable: false,
      converged: false,
    });
  });

  it('is never unanimous without answers', () => {
    expect(measureConvergence({ synthesis: yes, results: [failed('a')] })).toMatchObject({ unanimous: false, converged: false });
  });

  it('throws a TypeError for ε outside 0..1', () => {
    expect(() => measureConvergence({ synthesis: yes, results: [], epsilon: -0.1 })).toThrow(/`epsilon` to be a number from 0 to 1, got `-0.1` \(number\)/);
  });
});
