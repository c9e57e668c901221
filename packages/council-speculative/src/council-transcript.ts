import { z } from 'zod';
import { AggregateSchema, PersonaResultSchema, UsageSchema, VERDICTS } from '@whitebox/oracle-batch';

/**
 * How round N+1 relates to round N's arbiter:
 * - `off`: round N+1 starts after the arbiter and its prompts include the synthesis;
 * - `accept`: round N+1 starts while the arbiter runs, its prompts never include the synthesis,
 *   and the speculative answers are kept when the arbiter does not converge (lossless);
 * - `restart`: like `accept`, but the speculative answers are thrown away and the personas asked
 *   again, with the synthesis, when it raised open questions no round-N answer mentioned.
 */
export const SPECULATIVE_MODES = ['off', 'accept', 'restart'] as const;

/** One of {@link SPECULATIVE_MODES}. */
export type SpeculativeMode = (typeof SPECULATIVE_MODES)[number];

/**
 * Why a deliberation ended:
 * - `converged`: the arbiter said so and it was measured (unanimous verdicts, or stable ones);
 * - `max-rounds`: the round cap was reached without convergence;
 * - `budget`: the dollar or token budget ran out;
 * - `deadline`: the time limit passed;
 * - `quorum`: too few personas answered a round.
 */
export const STOP_REASONS = ['converged', 'max-rounds', 'budget', 'deadline', 'quorum'] as const;

/** One of {@link STOP_REASONS}. */
export type StopReason = (typeof STOP_REASONS)[number];

/**
 * What the arbiter answers with; sent as a strict `json_schema` response format. The field names
 * are snake_case because the model sees them.
 */
export const ArbiterSynthesisSchema = z.object({
  synthesis: z.string().describe('where the reviewers agree and differ, and why the verdict follows; one short paragraph'),
  converged: z.boolean().describe('true only when another round of review would not change the verdict'),
  confidence: z.number().min(0).max(1).describe('how sure the council is of the verdict, from 0 to 1'),
  open_questions: z.array(z.string()).describe('what another round should settle; empty when nothing is open'),
  verdict: z.enum(VERDICTS).describe('the council verdict: approve, revise or reject'),
});

/** The arbiter's synthesis of one round (or the majority-vote stand-in when the arbiter failed). */
export type ArbiterSynthesis = z.infer<typeof ArbiterSynthesisSchema>;

/** Tokens and dollars of a set of calls that produced nothing used. */
export const WasteSchema = z.object({
  /** Calls cancelled in flight plus speculative answers that were thrown away. */
  calls: z.number().int().min(0),
  /** Their tokens; `estimated` when a cancelled stream never sent its usage chunk. */
  usage: UsageSchema,
  /** Their dollars; `null` when some model has no price. */
  costUsd: z.number().min(0).nullable(),
});

/** Whether a round converged, measured rather than asserted. */
export const ConvergenceSchema = z.object({
  /** The arbiter's `converged`. */
  arbiterConverged: z.boolean(),
  /** Every persona that answered gave the same verdict. */
  unanimous: z.boolean(),
  /**
   * The largest change of a persona's confidence since the previous complete round, over the
   * personas that answered both; `null` in round 1 or when nobody answered both.
   */
  maxConfidenceDelta: z.number().min(0).nullable(),
  /** Every persona that answered both rounds kept its verdict and moved its confidence less than ε. */
  stable: z.boolean(),
  /** `arbiterConverged && (unanimous || stable)`. */
  converged: z.boolean(),
  /** The decision in words, for the transcript. */
  reason: z.string(),
});

/** What happened with a round's arbiter. */
export const ArbiterOutcomeSchema = z.object({
  /**
   * `answered`; `failed` (every attempt failed, the majority vote stood in); `cancelled` (the
   * budget or deadline stopped it mid-call); `skipped` (the run had stopped before it was asked).
   */
  status: z.enum(['answered', 'failed', 'cancelled', 'skipped']),
  model: z.string(),
  /** Arbiter calls made, retries included. */
  attempts: z.number().int().min(0),
  /** One message per failed attempt. */
  errors: z.array(z.string()),
  durationMs: z.number().min(0),
});

/** Who needed to answer for a round to count. */
export const QuorumSchema = z.object({
  required: z.number().int().min(1),
  answered: z.number().int().min(0),
  met: z.boolean(),
});

/** One round of the council. Times are milliseconds since the deliberation started. */
export const RoundSchema = z.object({
  round: z.number().int().min(1),
  /** The personas' calls started before the previous round's arbiter had finished. */
  speculative: z.boolean(),
  startedAtMs: z.number().min(0),
  personasDoneAtMs: z.number().min(0),
  endedAtMs: z.number().min(0),
  /** One entry per persona, in council order; a persona cancelled by a stop is `failed` with code `CANCELLED`. */
  personas: z.array(PersonaResultSchema),
  /** oracle-batch's aggregation of `personas`. */
  aggregate: AggregateSchema,
  quorum: QuorumSchema,
  /** `null` when the arbiter was not asked (quorum lost, or the run stopped mid-round). */
  arbiter: ArbiterOutcomeSchema.nullable(),
  /** `null` for an incomplete round (no quorum). */
  synthesis: ArbiterSynthesisSchema.nullable(),
  /** `majority-vote` when the arbiter failed or was stopped and the vote stood in for it. */
  synthesisSource: z.enum(['arbiter', 'majority-vote']).nullable(),
  convergence: ConvergenceSchema.nullable(),
  /** Tokens of this round's used calls, arbiter included (wasted calls are counted apart). */
  usage: UsageSchema,
  costUsd: z.number().min(0).nullable(),
});

/** A round started early, while the previous round's arbiter ran, and what became of it. */
export const SpeculationSchema = z.object({
  /** The round that was started early. */
  round: z.number().int().min(2),
  startedAtMs: z.number().min(0),
  /** When the arbiter's answer decided its fate. */
  decidedAtMs: z.number().min(0),
  /**
   * `accepted` (accept mode: its answers are the round); `kept` (restart mode, nothing unseen);
   * `restarted` (restart mode: thrown away and asked again with the synthesis); `cancelled` (the
   * council stopped: converged, budget, deadline or max rounds).
   */
  outcome: z.enum(['accepted', 'kept', 'restarted', 'cancelled']),
  /** Why, in words. */
  reason: z.string(),
  /** Open questions no round-N answer mentioned (restart mode). */
  unseenOpenQuestions: z.array(z.string()),
  /** Persona calls it started. */
  calls: z.number().int().min(0),
  /** What it cost for nothing: cancelled calls plus discarded answers. */
  wasted: WasteSchema,
});

/** One LLM call of the deliberation (a structured call, its re-ask included). */
export const CallSchema = z.object({
  round: z.number().int().min(1),
  role: z.enum(['persona', 'arbiter']),
  /** The persona's name, or `arbiter`. */
  name: z.string(),
  model: z.string(),
  /** Started on round N-1's raw answers while its arbiter ran. */
  speculative: z.boolean(),
  outcome: z.enum(['answered', 'failed', 'cancelled']),
  /** Cancelled in flight, or answered but thrown away. */
  wasted: z.boolean(),
  /** The error, the cancel reason or why the answer was thrown away; `null` otherwise. */
  note: z.string().nullable(),
  startedAtMs: z.number().min(0),
  durationMs: z.number().min(0),
  /** `null` when the call failed before anything was counted. */
  usage: UsageSchema.nullable(),
  costUsd: z.number().min(0).nullable(),
});

/** The settings a deliberation ran with, as resolved (replay needs them). */
export const CouncilSettingsSchema = z.object({
  personas: z.array(z.object({ name: z.string(), model: z.string() })),
  arbiterModel: z.string(),
  maxRounds: z.number().int().min(1),
  speculative: z.enum(SPECULATIVE_MODES),
  epsilon: z.number().min(0).max(1),
  /** Personas that must answer for a round to count. */
  quorum: z.number().int().min(1),
  arbiterRetries: z.number().int().min(0),
  budgetUsd: z.number().positive().nullable(),
  budgetTokens: z.number().int().positive().nullable(),
  deadlineMs: z.number().positive().nullable(),
});

/** The council's answer: the last complete round's synthesis. */
export const FinalVerdictSchema = z.object({
  verdict: z.enum(VERDICTS),
  round: z.number().int().min(1),
  source: z.enum(['arbiter', 'majority-vote']),
  confidence: z.number().min(0).max(1),
  synthesis: z.string(),
  openQuestions: z.array(z.string()),
  aggregate: AggregateSchema,
});

/**
 * The whole transcript: what `council --json` prints and `council replay` reads. `schemaVersion`
 * changes only when a field changes meaning or goes away.
 */
export const CouncilTranscriptSchema = z.object({
  schemaVersion: z.literal(1),
  proposal: z.string(),
  settings: CouncilSettingsSchema,
  rounds: z.array(RoundSchema),
  speculations: z.array(SpeculationSchema),
  calls: z.array(CallSchema),
  /** Every call's tokens, wasted ones included. */
  usage: UsageSchema,
  /** Every call's dollars; `null` when some model has no price. */
  costUsd: z.number().min(0).nullable(),
  wasted: WasteSchema,
  /** `null` when no round completed. */
  final: FinalVerdictSchema.nullable(),
  stopReason: z.enum(STOP_REASONS),
  stopDetail: z.string(),
  /** ISO time the deliberation started. */
  startedAt: z.string(),
  durationMs: z.number().min(0),
});

/** Tokens and dollars of calls that produced nothing used. */
export type Waste = z.infer<typeof WasteSchema>;
/** A measured convergence decision. */
export type Convergence = z.infer<typeof ConvergenceSchema>;
/** What happened with a round's arbiter. */
export type ArbiterOutcome = z.infer<typeof ArbiterOutcomeSchema>;
/** One round. */
export type CouncilRound = z.infer<typeof RoundSchema>;
/** A round started early and its fate. */
export type Speculation = z.infer<typeof SpeculationSchema>;
/** One LLM call. */
export type CouncilCall = z.infer<typeof CallSchema>;
/** The resolved settings. */
export type CouncilSettings = z.infer<typeof CouncilSettingsSchema>;
/** The council's answer. */
export type FinalVerdict = z.infer<typeof FinalVerdictSchema>;
/** What {@link deliberate} returns and `council --json` prints. */
export type CouncilTranscript = z.infer<typeof CouncilTranscriptSchema>;
