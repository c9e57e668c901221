import { z } from 'zod';

/** The three answers a persona can give. */
export const VERDICTS = ['approve', 'revise', 'reject'] as const;

/** One of {@link VERDICTS}. */
export type VerdictKind = (typeof VERDICTS)[number];

/**
 * What every persona must answer with; sent to the model as a strict `json_schema` response
 * format and validated on the way back.
 */
export const VerdictSchema = z.object({
  verdict: z.enum(VERDICTS).describe('approve as is, revise before going ahead, or reject'),
  confidence: z.number().min(0).max(1).describe('how sure you are of the verdict, from 0 to 1'),
  summary: z.string().describe('the verdict in one or two sentences'),
  reasons: z.array(z.string()).describe('why, one short point each'),
  risks: z.array(z.string()).describe('what could go wrong, one short point each'),
});

/** A persona's structured verdict. */
export type Verdict = z.infer<typeof VerdictSchema>;

/** Token counts, as reported by the provider or estimated (chars/4) when it reported none. */
export const UsageSchema = z.object({
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  totalTokens: z.number().int().min(0),
  estimated: z.boolean(),
});

/** A persona that answered. */
export const AnsweredPersonaSchema = z.object({
  persona: z.string(),
  model: z.string(),
  status: z.literal('answered'),
  verdict: VerdictSchema,
  /** True when the answer came from `--cache`; its usage and cost were paid by an earlier run. */
  cached: z.boolean(),
  /** 1, or 2 when the first answer was invalid and the persona was asked again. */
  calls: z.number().int().min(0),
  /** HTTP attempts, retries included (0 for a cached answer). */
  attempts: z.number().int().min(0),
  durationMs: z.number().min(0),
  usage: UsageSchema,
  /** US dollars; `null` when the model has no price. */
  costUsd: z.number().min(0).nullable(),
});

/** A persona that failed, with the reason; never silently dropped. */
export const FailedPersonaSchema = z.object({
  persona: z.string(),
  model: z.string(),
  status: z.literal('failed'),
  error: z.object({
    /** `PROVIDER`, `TIMEOUT`, `LLM_SCHEMA`, … */
    code: z.string(),
    message: z.string(),
    /** The HTTP status, when the provider answered. */
    status: z.number().int().nullable(),
  }),
  attempts: z.number().int().min(0),
  durationMs: z.number().min(0),
});

/** One persona's outcome. */
export const PersonaResultSchema = z.discriminatedUnion('status', [AnsweredPersonaSchema, FailedPersonaSchema]);

/** A persona that disagreed with the decision, and why. */
export const DissenterSchema = z.object({
  persona: z.string(),
  verdict: z.enum(VERDICTS),
  confidence: z.number().min(0).max(1),
  reasons: z.array(z.string()),
});

/** The verdicts taken together. */
export const AggregateSchema = z.object({
  answered: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Votes per verdict. */
  tally: z.object({ approve: z.number().int(), revise: z.number().int(), reject: z.number().int() }),
  /**
   * The verdict with the most confidence-weighted votes; ties go to the more cautious one
   * (reject over revise over approve). `null` when no persona answered.
   */
  decision: z.enum(VERDICTS).nullable(),
  /**
   * Confidence-weighted mean of approve = +1, revise = 0, reject = −1, from −1 to +1. `null`
   * when no persona answered.
   */
  score: z.number().min(-1).max(1).nullable(),
  /** Share of the confidence weight behind `decision`, from 0 to 1. `null` when no persona answered. */
  consensus: z.number().min(0).max(1).nullable(),
  /** `unanimous` (1), `strong` (≥ 0.75), `majority` (> 0.5), `split` (≤ 0.5) or `none` (nobody answered). */
  consensusLabel: z.enum(['unanimous', 'strong', 'majority', 'split', 'none']),
  /** Personas whose verdict differs from `decision`, with their reasons. */
  dissenters: z.array(DissenterSchema),
});

/**
 * The whole `oracle --json` document. `schemaVersion` changes only when a field changes meaning
 * or goes away; new fields may appear without a bump.
 */
export const OracleReportSchema = z.object({
  schemaVersion: z.literal(1),
  proposal: z.string(),
  /** One entry per persona asked, in the order they were asked. */
  results: z.array(PersonaResultSchema),
  aggregate: AggregateSchema,
  /** Tokens spent by this run; cached answers are not counted. */
  usage: UsageSchema,
  /** Dollars spent by this run; `null` when some model has no price. */
  costUsd: z.number().min(0).nullable(),
  /** Wall time of the whole run. */
  durationMs: z.number().min(0),
});

/** One persona's outcome. */
export type PersonaResult = z.infer<typeof PersonaResultSchema>;
/** A persona that answered. */
export type AnsweredPersona = z.infer<typeof AnsweredPersonaSchema>;
/** A persona that failed. */
export type FailedPersona = z.infer<typeof FailedPersonaSchema>;
/** The verdicts taken together. */
export type Aggregate = z.infer<typeof AggregateSchema>;
/** A persona that disagreed with the decision. */
export type Dissenter = z.infer<typeof DissenterSchema>;
/** The `oracle --json` document and what {@link askPersonas} returns. */
export type OracleReport = z.infer<typeof OracleReportSchema>;
/** Token counts. */
export type Usage = z.infer<typeof UsageSchema>;
