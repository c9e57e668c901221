/**
 * @packageDocumentation
 * Multi-round deliberation with parallel personas, measured convergence and speculative rounds.
 * The `council` CLI is a thin layer over {@link deliberate} and {@link replayTranscript}.
 */

export { deliberate, resolveQuorum, majorityVoteSynthesis, finalVerdictOf, sumCalls, wasteOf, DEFAULT_PERSONAS, DEFAULT_MAX_ROUNDS } from './deliberate.js';
export type { DeliberateOptions, CouncilEvent } from './deliberate.js';
export { measureConvergence, DEFAULT_EPSILON } from './measure-convergence.js';
export type { MeasureConvergenceInput } from './measure-convergence.js';
export { findUnseenOpenQuestions, SEEN_WORD_SHARE } from './find-unseen-open-questions.js';
export { ARBITER_SYSTEM_PROMPT, buildArbiterMessages, buildFollowUpProposal, formatAnswer, memberLabel, answerText } from './council-prompts.js';
export type { FollowUpInput, ArbiterInput } from './council-prompts.js';
export {
  SPECULATIVE_MODES,
  STOP_REASONS,
  ArbiterSynthesisSchema,
  WasteSchema,
  ConvergenceSchema,
  ArbiterOutcomeSchema,
  QuorumSchema,
  RoundSchema,
  SpeculationSchema,
  CallSchema,
  CouncilSettingsSchema,
  FinalVerdictSchema,
  CouncilTranscriptSchema,
} from './council-transcript.js';
export type {
  SpeculativeMode,
  StopReason,
  ArbiterSynthesis,
  Waste,
  Convergence,
  ArbiterOutcome,
  CouncilRound,
  Speculation,
  CouncilCall,
  CouncilSettings,
  FinalVerdict,
  CouncilTranscript,
} from './council-transcript.js';
export { replayTranscript } from './replay-transcript.js';
export type { ReplayResult, ReplayedRound } from './replay-transcript.js';
export { formatTranscriptMarkdown } from './format-transcript.js';
