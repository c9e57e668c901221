import { aggregateVerdicts } from '@whitebox/oracle-batch';
import type { ArbiterSynthesis, CouncilTranscript, FinalVerdict, StopReason } from './council-transcript.js';
import { finalVerdictOf, majorityVoteSynthesis, sumCalls, wasteOf } from './deliberate.js';
import { measureConvergence } from './measure-convergence.js';

/** What one round looks like when replayed. */
export interface ReplayedRound {
  readonly round: number;
  readonly decision: string | null;
  readonly quorumMet: boolean;
  readonly converged: boolean | null;
  /** The verdict the round's synthesis gives (the majority vote recomputed when it stood in). */
  readonly verdict: string | null;
}

/** What {@link replayTranscript} found. */
export interface ReplayResult {
  /** True when every recomputed value matches the transcript. */
  readonly reproduced: boolean;
  /** One line per difference: where, what the transcript says, what replay computed. */
  readonly mismatches: readonly string[];
  readonly rounds: readonly ReplayedRound[];
  /**
   * The stop reason replay arrives at; `null` when nothing would have stopped the council after
   * the last recorded round. Budget and deadline stops are taken from the transcript: they depend
   * on the clock and on prices.
   */
  readonly stopReason: StopReason | null;
  readonly final: FinalVerdict | null;
}

const EXTERNAL_STOPS: readonly StopReason[] = ['budget', 'deadline'];

// Key order differs between a fresh object and one parsed from JSON; the values are what count.
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, stable((value as Record<string, unknown>)[key])]));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(stable(a)) === JSON.stringify(stable(b));
}

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) < 1e-9;
}

/**
 * Re-runs a transcript's aggregation and convergence logic offline, with no LLM: each round's
 * vote (oracle-batch's `aggregateVerdicts`), its quorum, the majority vote where the arbiter did
 * not answer, the measured convergence with the recorded ε, the stop reason, the final verdict,
 * and the token and dollar totals from the call list. Every difference is reported, so a change to
 * the aggregation or convergence code that would change a recorded outcome shows up in a
 * regression test.
 *
 * The arbiter's own answers (synthesis, `converged`, verdict) are inputs, not recomputed: they came
 * from a model. Budget and deadline stops depend on the clock and prices and are taken as recorded.
 *
 * @param transcript - A parsed transcript (validate it with `CouncilTranscriptSchema` first).
 */
export function replayTranscript(transcript: CouncilTranscript): ReplayResult {
  if (typeof transcript !== 'object' || transcript === null || !Array.isArray(transcript.rounds)) {
    throw new TypeError(`Expected \`transcript\` to be a council transcript, got \`${String(transcript)}\` (${typeof transcript})`);
  }
  const { settings } = transcript;
  const mismatches: string[] = [];
  const rounds: ReplayedRound[] = [];
  let previous: CouncilTranscript['rounds'][number] | undefined;
  let stopReason: StopReason | null | undefined;
  let final: FinalVerdict | null = null;

  transcript.rounds.forEach((round, index) => {
    const where = `round ${round.round}`;
    const isLast = index === transcript.rounds.length - 1;
    if (round.round !== index + 1) mismatches.push(`${where}: expected round number ${index + 1}`);
    const aggregate = aggregateVerdicts(round.personas);
    if (!same(aggregate, round.aggregate)) {
      mismatches.push(`${where}: aggregate differs: transcript ${round.aggregate.decision} ${JSON.stringify(round.aggregate.tally)}, replay ${aggregate.decision} ${JSON.stringify(aggregate.tally)}`);
    }
    const quorumMet = aggregate.answered >= settings.quorum;
    if (quorumMet !== round.quorum.met || aggregate.answered !== round.quorum.answered) {
      mismatches.push(`${where}: quorum: transcript ${round.quorum.answered}/${round.quorum.required} met=${round.quorum.met}, replay ${aggregate.answered}/${settings.quorum} met=${quorumMet}`);
    }

    if (!quorumMet || round.synthesis === null) {
      rounds.push({ round: round.round, decision: aggregate.decision, quorumMet, converged: null, verdict: null });
      if (!isLast) mismatches.push(`${where}: a round without a synthesis must be the last one`);
      if (round.synthesis !== null) mismatches.push(`${where}: the quorum was not met, yet the round has a synthesis`);
      stopReason = quorumMet || EXTERNAL_STOPS.includes(transcript.stopReason) ? transcript.stopReason : 'quorum';
      if (quorumMet && !EXTERNAL_STOPS.includes(transcript.stopReason)) {
        mismatches.push(`${where}: the quorum was met but the round has no synthesis, which only a budget or deadline stop explains`);
      }
      return;
    }

    let synthesis: ArbiterSynthesis = round.synthesis;
    if (round.synthesisSource === 'majority-vote') {
      const vote = majorityVoteSynthesis(aggregate, 'replay');
      if (vote.verdict !== round.synthesis.verdict || vote.converged !== round.synthesis.converged) {
        mismatches.push(`${where}: majority vote: transcript ${round.synthesis.verdict} (converged ${round.synthesis.converged}), replay ${vote.verdict} (converged ${vote.converged})`);
      }
      synthesis = { ...round.synthesis, verdict: vote.verdict, converged: vote.converged };
    }
    const convergence = measureConvergence({ synthesis, results: round.personas, previous: previous?.personas, epsilon: settings.epsilon });
    const recorded = round.convergence;
    if (
      recorded === null ||
      recorded.converged !== convergence.converged ||
      recorded.unanimous !== convergence.unanimous ||
      recorded.stable !== convergence.stable ||
      !close(recorded.maxConfidenceDelta, convergence.maxConfidenceDelta)
    ) {
      mismatches.push(`${where}: convergence: transcript ${recorded === null ? 'none' : recorded.reason}; replay ${convergence.reason}`);
    }
    rounds.push({ round: round.round, decision: aggregate.decision, quorumMet, converged: convergence.converged, verdict: synthesis.verdict });
    final = finalVerdictOf({ ...round, aggregate, synthesis });

    const cutShort = round.arbiter !== null && round.arbiter.status !== 'answered' && round.arbiter.status !== 'failed';
    let expected: StopReason | undefined;
    if (cutShort && EXTERNAL_STOPS.includes(transcript.stopReason)) expected = transcript.stopReason;
    else if (convergence.converged) expected = 'converged';
    else if (isLast && EXTERNAL_STOPS.includes(transcript.stopReason)) expected = transcript.stopReason;
    else if (round.round >= settings.maxRounds) expected = 'max-rounds';
    if (expected !== undefined && !isLast) {
      mismatches.push(`${where}: the council should have stopped here (${expected}), but the transcript goes on`);
    }
    if (isLast) {
      if (expected === undefined) mismatches.push(`${where}: the transcript ends here, but nothing stops the council after this round`);
      stopReason = expected ?? null;
    }
    previous = round;
  });

  if (transcript.rounds.length === 0) mismatches.push('the transcript has no rounds');
  if (stopReason === undefined) stopReason = transcript.stopReason;
  if (stopReason !== transcript.stopReason) {
    mismatches.push(`stop reason: transcript ${transcript.stopReason}, replay ${stopReason ?? 'none (the council would have gone on)'}`);
  }
  if (!same(final, transcript.final)) {
    const show = (verdict: FinalVerdict | null): string => (verdict === null ? 'none' : `${verdict.verdict} (round ${verdict.round}, ${verdict.source})`);
    mismatches.push(`final verdict: transcript ${show(transcript.final)}, replay ${show(final)}`);
  }
  const totals = sumCalls(transcript.calls);
  if (!same(totals.usage, transcript.usage) || !close(totals.costUsd, transcript.costUsd)) {
    mismatches.push(`totals: transcript ${transcript.usage.totalTokens} tokens, replay ${totals.usage.totalTokens} tokens from the call list`);
  }
  const wasted = wasteOf(transcript.calls);
  if (wasted.calls !== transcript.wasted.calls || !same(wasted.usage, transcript.wasted.usage) || !close(wasted.costUsd, transcript.wasted.costUsd)) {
    mismatches.push(`waste: transcript ${transcript.wasted.calls} calls / ${transcript.wasted.usage.totalTokens} tokens, replay ${wasted.calls} calls / ${wasted.usage.totalTokens} tokens`);
  }
  return { reproduced: mismatches.length === 0, mismatches, rounds, stopReason, final };
}
