import type { Aggregate, PersonaResult, VerdictKind } from './oracle-report.js';

const VALUE: Record<VerdictKind, number> = { approve: 1, revise: 0, reject: -1 };
// Ties go to the more cautious verdict: a split between approve and reject should not ship.
const CAUTION_ORDER: readonly VerdictKind[] = ['reject', 'revise', 'approve'];

function consensusLabel(consensus: number): Aggregate['consensusLabel'] {
  if (consensus >= 1) return 'unanimous';
  if (consensus >= 0.75) return 'strong';
  if (consensus > 0.5) return 'majority';
  return 'split';
}

/**
 * Combines persona verdicts: a vote tally, a decision by confidence-weighted vote, a score from
 * −1 (reject) to +1 (approve), how much of the weight backs the decision, and who dissented.
 * Failed personas count in `failed` and nowhere else. When every confidence is 0, each vote
 * weighs the same.
 */
export function aggregateVerdicts(results: readonly PersonaResult[]): Aggregate {
  const answered = results.filter((result) => result.status === 'answered');
  const tally = { approve: 0, revise: 0, reject: 0 };
  if (answered.length === 0) {
    return {
      answered: 0,
      failed: results.length,
      tally,
      decision: null,
      score: null,
      consensus: null,
      consensusLabel: 'none',
      dissenters: [],
    };
  }
  const totalConfidence = answered.reduce((sum, result) => sum + result.verdict.confidence, 0);
  const weightOf = (confidence: number): number => (totalConfidence > 0 ? confidence : 1);
  const weights = { approve: 0, revise: 0, reject: 0 };
  let weightedValue = 0;
  let totalWeight = 0;
  for (const { verdict } of answered) {
    const weight = weightOf(verdict.confidence);
    tally[verdict.verdict]++;
    weights[verdict.verdict] += weight;
    weightedValue += weight * VALUE[verdict.verdict];
    totalWeight += weight;
  }
  let decision: VerdictKind = 'reject';
  for (const kind of CAUTION_ORDER) if (weights[kind] > weights[decision]) decision = kind;
  const consensus = weights[decision] / totalWeight;
  // Rounding keeps the JSON readable and stable; the inputs are model confidences, not measurements.
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return {
    answered: answered.length,
    failed: results.length - answered.length,
    tally,
    decision,
    score: round(weightedValue / totalWeight),
    consensus: round(consensus),
    consensusLabel: consensusLabel(consensus),
    dissenters: answered
      .filter((result) => result.verdict.verdict !== decision)
      .map((result) => ({
        persona: result.persona,
        verdict: result.verdict.verdict,
        confidence: result.verdict.confidence,
        reasons: result.verdict.reasons,
      })),
  };
}
