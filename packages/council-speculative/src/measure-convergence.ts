import type { AnsweredPersona, PersonaResult } from '@whitebox/oracle-batch';
import type { ArbiterSynthesis, Convergence } from './council-transcript.js';

/** The default ε: a persona whose confidence moves less than this between rounds has settled. */
export const DEFAULT_EPSILON = 0.05;

/** What {@link measureConvergence} looks at. */
export interface MeasureConvergenceInput {
  /** The round's synthesis; only its `converged` is read. */
  readonly synthesis: Pick<ArbiterSynthesis, 'converged'>;
  /** The round's persona results. */
  readonly results: readonly PersonaResult[];
  /** The previous complete round's results; `undefined` in round 1. */
  readonly previous?: readonly PersonaResult[] | undefined;
  /** Largest confidence change that still counts as stable. @default DEFAULT_EPSILON */
  readonly epsilon?: number | undefined;
}

const answeredOf = (results: readonly PersonaResult[]): AnsweredPersona[] =>
  results.filter((result): result is AnsweredPersona => result.status === 'answered');

// Confidences come from models as decimals; rounding keeps 0.7 → 0.75 from reading as 0.04999….
const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/**
 * Decides whether a round converged: the arbiter must say so **and** it must be measurable, either
 * because every persona that answered gave the same verdict, or because every persona that
 * answered this round and the previous one kept its verdict and moved its confidence by less than
 * ε. An arbiter that asserts convergence over a split, moving council is overruled.
 *
 * Pure and deterministic: `council replay` runs it again over a transcript.
 */
export function measureConvergence(input: MeasureConvergenceInput): Convergence {
  const epsilon = input.epsilon ?? DEFAULT_EPSILON;
  if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon <= 1)) {
    throw new TypeError(`Expected \`epsilon\` to be a number from 0 to 1, got \`${String(epsilon)}\` (${typeof epsilon})`);
  }
  const arbiterConverged = input.synthesis.converged;
  const answered = answeredOf(input.results);
  const kinds = new Set(answered.map((result) => result.verdict.verdict));
  const unanimous = answered.length > 0 && kinds.size === 1;

  let maxConfidenceDelta: number | null = null;
  let verdictsKept = true;
  if (input.previous !== undefined) {
    const before = new Map(answeredOf(input.previous).map((result) => [result.persona, result.verdict]));
    for (const result of answered) {
      const earlier = before.get(result.persona);
      if (earlier === undefined) continue;
      const delta = round(Math.abs(result.verdict.confidence - earlier.confidence));
      maxConfidenceDelta = Math.max(maxConfidenceDelta ?? 0, delta);
      if (earlier.verdict !== result.verdict.verdict) verdictsKept = false;
    }
  }
  const stable = maxConfidenceDelta !== null && verdictsKept && maxConfidenceDelta < epsilon;
  const converged = arbiterConverged && (unanimous || stable);

  const tally = { approve: 0, revise: 0, reject: 0 };
  for (const result of answered) tally[result.verdict.verdict]++;
  const { approve, revise, reject } = tally;
  const split = `verdicts ${unanimous ? 'unanimous' : 'split'} (approve ${approve}, revise ${revise}, reject ${reject})`;
  const movement =
    maxConfidenceDelta === null
      ? 'no earlier round to compare'
      : `${verdictsKept ? 'verdicts kept' : 'some verdicts changed'}, confidence moved ≤ ${maxConfidenceDelta.toFixed(2)} (ε ${epsilon})`;
  let reason: string;
  if (converged) {
    reason = `converged: the arbiter said so and ${unanimous ? split : `the council is stable: ${movement}`}`;
  } else if (arbiterConverged) {
    reason = `not converged: the arbiter said so, but it is not measured: ${split}; ${movement}`;
  } else {
    reason = `not converged: the arbiter said not; ${split}; ${movement}`;
  }
  return { arbiterConverged, unanimous, maxConfidenceDelta, stable, converged, reason };
}
