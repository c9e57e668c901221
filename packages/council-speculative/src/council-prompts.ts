import type { ChatMessage } from '@whitebox/core';
import type { PersonaResult } from '@whitebox/oracle-batch';
import type { ArbiterSynthesis } from './council-transcript.js';

/**
 * The arbiter's system prompt. It names no persona on purpose: llm-sim (and a reader of a log)
 * tells calls apart by the persona names in the system text.
 */
export const ARBITER_SYSTEM_PROMPT = `You are the arbiter of a review council. Several reviewers judged the same proposal independently; their answers are in the user message.
Synthesise them: say where they agree, where they differ and why, and give the council's verdict. Set "converged" to true only when another round of review would not change the verdict. List in "open_questions" what another round should settle (an empty list when nothing is open).
Answer with one JSON object and nothing else:
{"synthesis": "<one short paragraph>", "converged": true | false, "confidence": <number from 0 to 1>, "open_questions": ["<question>", ...], "verdict": "approve" | "revise" | "reject"}`;

/** "Member A", "Member B", … by position in the council, so labels stay the same across rounds. */
export function memberLabel(index: number): string {
  const letters = index < 26 ? String.fromCharCode(65 + index) : `${String.fromCharCode(65 + (index % 26))}${Math.floor(index / 26)}`;
  return `Member ${letters}`;
}

/** One persona's answer as other personas and the arbiter read it. */
export function formatAnswer(result: PersonaResult): string {
  if (result.status !== 'answered') return 'no answer (the call failed)';
  const { verdict, confidence, summary, reasons, risks } = result.verdict;
  const lines = [`${verdict} (confidence ${confidence.toFixed(2)}): ${summary}`];
  if (reasons.length > 0) lines.push(`  Reasons: ${reasons.join('; ')}`);
  if (risks.length > 0) lines.push(`  Risks: ${risks.join('; ')}`);
  return lines.join('\n');
}

/** What a follow-up round tells one persona. */
export interface FollowUpInput {
  /** The proposal as the user gave it. */
  readonly proposal: string;
  /** The round being asked, from 2. */
  readonly round: number;
  readonly maxRounds: number;
  /** The persona being asked. */
  readonly persona: string;
  /** The previous round's results, in council order. */
  readonly previous: readonly PersonaResult[];
  /**
   * The previous round's synthesis. Given: the persona sees it and its open questions, plus its own
   * previous answer (mode `off`, and restart mode's re-ask). Omitted: the persona sees the other
   * members' raw answers instead (accept mode, and every speculative call).
   */
  readonly synthesis?: ArbiterSynthesis | undefined;
}

/**
 * The text a persona reviews in round 2 and later: the proposal, then what the council said last
 * round. It goes through oracle-batch's `askPersonas` as the "proposal", so the persona's system
 * prompt and verdict schema are exactly round 1's.
 *
 * The text depends only on the proposal, the round, the previous answers and (when given) the
 * synthesis. Without a synthesis it can be built before the arbiter has answered, which is what
 * makes accept-mode speculation lossless.
 */
export function buildFollowUpProposal(input: FollowUpInput): string {
  const { proposal, round, maxRounds, persona, previous, synthesis } = input;
  const before = round - 1;
  const own = previous.find((result) => result.persona === persona);
  const ownText =
    own === undefined || own.status !== 'answered'
      ? `You did not answer in round ${before}.`
      : `Your answer in round ${before}:\n${formatAnswer(own)}`;
  const parts = [proposal.trimEnd(), '', '---', `Council round ${round} of ${maxRounds}.`];
  if (synthesis !== undefined) {
    parts.push(
      `The council's arbiter summarised round ${before}. Reconsider your verdict in the light of the synthesis and its open questions: keep it if you still hold it, change it if you are persuaded.`,
      '',
      `Arbiter's synthesis of round ${before} (verdict ${synthesis.verdict}, confidence ${synthesis.confidence.toFixed(2)}):`,
      synthesis.synthesis,
    );
    if (synthesis.open_questions.length > 0) {
      parts.push('', 'Open questions:', ...synthesis.open_questions.map((question) => `- ${question}`));
    }
  } else {
    parts.push(
      `The other members of the council answered round ${before} as below. Reconsider your verdict in the light of their answers: keep it if you still hold it, change it if you are persuaded.`,
      '',
      `The other members' answers in round ${before}:`,
    );
    previous.forEach((result, index) => {
      if (result.persona !== persona) parts.push(`${memberLabel(index)}: ${formatAnswer(result)}`);
    });
  }
  parts.push('', ownText);
  return parts.join('\n');
}

/** What the arbiter of one round is told. */
export interface ArbiterInput {
  readonly proposal: string;
  readonly round: number;
  readonly maxRounds: number;
  /** The round's results, in council order. */
  readonly results: readonly PersonaResult[];
  /** The previous round's synthesis, so the arbiter can say what changed. */
  readonly previousSynthesis?: ArbiterSynthesis | undefined;
}

/**
 * The arbiter's messages: the proposal and the round's answers, anonymised as "Member A", … so
 * the arbiter weighs arguments rather than names.
 */
export function buildArbiterMessages(input: ArbiterInput): ChatMessage[] {
  const { proposal, round, maxRounds, results, previousSynthesis } = input;
  const answered = results.filter((result) => result.status === 'answered').length;
  const parts = [
    `Arbiter, round ${round} of ${maxRounds}.`,
    '',
    'Proposal:',
    proposal.trimEnd(),
    '',
    `Answers in round ${round} (${answered} of ${results.length} reviewers answered):`,
    ...results.map((result, index) => `${memberLabel(index)}: ${formatAnswer(result)}`),
  ];
  if (previousSynthesis !== undefined) {
    parts.push(
      '',
      `Your synthesis of round ${round - 1} (verdict ${previousSynthesis.verdict}, confidence ${previousSynthesis.confidence.toFixed(2)}):`,
      previousSynthesis.synthesis,
    );
  }
  return [
    { role: 'system', content: ARBITER_SYSTEM_PROMPT },
    { role: 'user', content: parts.join('\n') },
  ];
}

/** The texts a persona saw of one answer, for {@link findUnseenOpenQuestions}. */
export function answerText(result: PersonaResult): string {
  if (result.status !== 'answered') return '';
  const { summary, reasons, risks } = result.verdict;
  return [summary, ...reasons, ...risks].join('\n');
}
