import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { WhiteboxError } from '@whitebox/core';
import { latencyModelSchema } from './latency-model.js';

/**
 * Every fault the simulator can inject. Status codes answer with that HTTP status and an OpenAI
 * error body; `hang` never answers; `reset` destroys the TCP connection; `cut` closes a stream (or
 * a body) half-way without `[DONE]`; `stream-error` sends a mid-stream `{"error":…}` event;
 * `invalid-json` corrupts a JSON answer.
 */
export const FAULT_KINDS = [
  '400',
  '401',
  '403',
  '404',
  '408',
  '409',
  '429',
  '500',
  '502',
  '503',
  'hang',
  'reset',
  'cut',
  'stream-error',
  'invalid-json',
] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

const nonNegative = z.number().finite().nonnegative();

const latency = latencyModelSchema.meta({
  description: 'A number of ms, or {type:"fixed",ms} | {type:"uniform",minMs,maxMs} | {type:"normal",meanMs,stdDevMs,minMs?}',
});

/** The zod schema of a text matcher: a substring, or `{ regex, flags? }`. */
export const textMatcherSchema = z.union(
  [
    z.string(),
    z
      .strictObject({ regex: z.string(), flags: z.string().regex(/^[dimsuv]*$/, 'flags may use d, i, m, s, u, v').optional() })
      .superRefine((value, ctx) => {
        try {
          new RegExp(value.regex, value.flags);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}`, path: ['regex'] });
        }
      }),
  ],
  { error: 'expected a substring or { "regex": "…", "flags"?: "i" }' },
);

/** Per-kind fault rates in [0, 1]; they must sum to at most 1. */
export const faultRatesSchema = z
  .partialRecord(z.enum(FAULT_KINDS), z.number().min(0).max(1))
  .refine((rates) => Object.values(rates).reduce<number>((sum, rate) => sum + (rate ?? 0), 0) <= 1 + 1e-9, {
    message: 'the fault rates must add up to at most 1',
  });

/** Fault rates by kind, each a probability per chat request. */
export type FaultRates = Partial<Record<FaultKind, number>>;

const scriptErrorSchema = z.strictObject({
  status: z.number().int().min(400).max(599),
  message: z.string().optional(),
  type: z.string().optional(),
  code: z.string().nullable().optional(),
  param: z.string().nullable().optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  retryAfter: nonNegative.optional(),
  retryAfterMs: nonNegative.optional(),
  shouldRetry: z.boolean().optional(),
});

/** The zod schema of one scripted answer. */
export const scriptStepSchema = z
  .strictObject({
    content: z.string().optional(),
    json: z.unknown().optional(),
    delayMs: nonNegative.optional(),
    latency: latency.optional(),
    chunkDelayMs: nonNegative.optional(),
    finishReason: z.enum(['stop', 'length', 'content_filter']).optional(),
    invalidJson: z.boolean().optional(),
    error: scriptErrorSchema.optional(),
    fault: z.enum(['hang', 'reset', 'cut', 'stream-error']).optional(),
    afterChunks: z.number().int().nonnegative().optional(),
  })
  .superRefine((step, ctx) => {
    const answers = (['content', 'json', 'error', 'fault'] as const).filter((key) => step[key] !== undefined);
    if (answers.length > 1) {
      ctx.addIssue({ code: 'custom', message: `use only one of content, json, error and fault; got ${answers.join(' and ')}` });
    }
    if (step.delayMs !== undefined && step.latency !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'use either delayMs or latency, not both', path: ['latency'] });
    }
    if (step.afterChunks !== undefined && step.fault !== 'cut' && step.fault !== 'stream-error') {
      ctx.addIssue({ code: 'custom', message: 'afterChunks needs fault "cut" or "stream-error"', path: ['afterChunks'] });
    }
  });

/**
 * One scripted answer. With none of `content`, `json`, `error` and `fault`, the simulator
 * generates the content as usual (so `{ "delayMs": 500 }` is just a slow ordinary answer).
 */
export type ScriptStep = z.input<typeof scriptStepSchema>;

/** A {@link ScriptStep} after validation (latency shorthands expanded). */
export type ResolvedScriptStep = z.output<typeof scriptStepSchema>;

/** The zod schema of one rule. */
export const scriptRuleSchema = z.strictObject({
  name: z.string().optional(),
  match: z
    .strictObject({ model: textMatcherSchema.optional(), system: textMatcherSchema.optional(), user: textMatcherSchema.optional() })
    .optional(),
  respond: z.union([scriptStepSchema, z.array(scriptStepSchema).min(1)]),
  then: z.enum(['repeat-last', 'cycle', 'fall-through']).optional(),
  latency: latency.optional(),
});

/**
 * A rule: when every matcher in `match` matches (model name, the system/developer text, the last
 * user message), answer with `respond`. An array is a sequence: the n-th matching call gets the
 * n-th step; after the last, `then` decides: `repeat-last` (default), `cycle`, or `fall-through`
 * (the rule stops matching).
 */
export type ScriptRule = z.input<typeof scriptRuleSchema>;

/** A {@link ScriptRule} after validation. */
export type ResolvedScriptRule = z.output<typeof scriptRuleSchema>;

/** The zod schema of a whole script file. */
export const simScriptSchema = z.strictObject({
  $schema: z.string().optional(),
  seed: z.number().int().optional(),
  latency: z
    .strictObject({ default: latency.optional(), models: z.record(z.string(), latency).optional() })
    .optional(),
  chunkDelayMs: nonNegative.optional(),
  personas: z
    .array(z.strictObject({ name: z.string().min(1), match: textMatcherSchema.optional(), latency: latency.optional() }))
    .optional(),
  faults: faultRatesSchema.optional(),
  invalidJson: z.boolean().optional(),
  rules: z.array(scriptRuleSchema).optional(),
});

/**
 * A script: rules that answer matching calls, latency per model and per persona, fault rates and
 * a seed. See the package README for the file format.
 */
export type SimScript = z.input<typeof simScriptSchema>;

/** A {@link SimScript} after validation: what {@link parseSimScript} returns and the engine runs. */
export type ResolvedSimScript = z.output<typeof simScriptSchema>;

/**
 * Validates a parsed script.
 *
 * @param source - Named in error messages: the file path, or `"script"` for inline values.
 * @throws WhiteboxError `CONFIG_INVALID` listing each bad field as `source: path.to.field: problem`.
 */
export function parseSimScript(value: unknown, source = 'script'): ResolvedSimScript {
  const result = simScriptSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => specificIssues(issue, [])).map(
    (issue) => `${source}: ${formatPath(issue.path) || '(root)'}: ${issue.message}`,
  );
  throw new WhiteboxError('CONFIG_INVALID', lines.join('\n'), { cause: result.error });
}

/**
 * Reads and validates a JSON script file.
 *
 * @throws WhiteboxError `IO` when the file cannot be read, `CONFIG_INVALID` when it is not JSON or
 * not a valid script (the message names the file and the field).
 */
export async function loadSimScript(file: string): Promise<ResolvedSimScript> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WhiteboxError('IO', `${file}: cannot read the script: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseSimScript(value, file);
}

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Replaces a union's "Invalid input" with the issues of the one branch that got past its type
 * check, so `rules[0].respond.latency` is reported instead of just `rules[0].respond`.
 */
function specificIssues(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): Issue[] {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ path, message: issue.message }];
  const plausible = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
  const [only] = plausible;
  if (plausible.length !== 1 || !only) return [{ path, message: issue.message }];
  return only.flatMap((inner) => specificIssues(inner, path));
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
