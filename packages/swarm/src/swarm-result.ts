import { z } from 'zod';
import { LlmError, SchemaMismatchError, WhiteboxError } from '@whitebox/core';

/**
 * Why a task failed, stable for scripts and for `swarm status`:
 * - `rate_limited`: still 429 after every retry;
 * - `server_error`: 5xx after every retry;
 * - `timeout`: no answer within the attempt timeout, or the task's time ran out;
 * - `connection`: connection refused or reset, after every retry;
 * - `bad_request`: 400, 404, 409, 422 and other 4xx the provider will not accept;
 * - `auth`: 401 or 403;
 * - `invalid_output`: the task asked for JSON and the answer did not parse;
 * - `batch_expired`: the Batch API's completion window ended first;
 * - `error`: anything else.
 */
export type FailureReason =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'connection'
  | 'bad_request'
  | 'auth'
  | 'invalid_output'
  | 'batch_expired'
  | 'error';

/** Token counts as the provider reported them. */
export interface SwarmUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** Why a task failed; see {@link FailureReason}. */
export interface SwarmFailure {
  readonly reason: FailureReason;
  /** The last error's message. */
  readonly message: string;
  /** The last HTTP status, when there was one. */
  readonly status?: number;
}

/**
 * One line of `results.jsonl`, appended as soon as its task finishes. The file holds exactly one
 * line per finished task; a task that was still running when the process died has none and runs
 * again on resume.
 */
export interface SwarmResult {
  /** The task's id, as a string. */
  readonly id: string;
  /** `done`, or `failed` with an {@link SwarmResult.error}. */
  readonly status: 'done' | 'failed';
  /** The answer: text, or the parsed value when the task asked for JSON; `null` when there was none. */
  readonly output: unknown;
  /** What the provider reported; `null` when no answer arrived. */
  readonly usage: SwarmUsage | null;
  /** US dollars, `null` when the model has no price (see `llm.prices` in `.claude/whitebox.json`). */
  readonly cost: number | null;
  /** Wall time of the call, retries and their waits included, queueing for the rate limit excluded; `null` for Batch API results. */
  readonly latency_ms: number | null;
  /** HTTP attempts made, retries included. */
  readonly attempts: number;
  /** The model that answered, or the one asked when none did. */
  readonly model: string;
  /** Why it failed; only on failed results. */
  readonly error?: SwarmFailure;
}

/** What `swarm` needs from a results line to resume and report; other fields are kept as they are. */
export const StoredResultSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  status: z.enum(['done', 'failed']),
  cost: z.number().nullish(),
  latency_ms: z.number().nullish(),
  attempts: z.number().nullish(),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
  error: z.looseObject({ reason: z.string() }).nullish(),
});

/** A results line as {@link StoredResultSchema} reads it. */
export type StoredResult = z.infer<typeof StoredResultSchema>;

/** Maps an HTTP status to a {@link FailureReason}. */
export function reasonForStatus(status: number): FailureReason {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'bad_request';
  return 'error';
}

/** Turns the error a task's call ended with into the `error` of its result. */
export function describeFailure(error: unknown): SwarmFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof LlmError) {
    if (error.code === 'TIMEOUT') return withStatus({ reason: 'timeout', message }, error.status);
    if (error.status !== undefined) return { reason: reasonForStatus(error.status), message, status: error.status };
    return { reason: /connection|terminated|socket|ECONN/i.test(message) ? 'connection' : 'error', message };
  }
  if (error instanceof SchemaMismatchError) return { reason: 'invalid_output', message };
  if (error instanceof WhiteboxError && error.code === 'TIMEOUT') return { reason: 'timeout', message };
  return { reason: 'error', message };
}

function withStatus(failure: SwarmFailure, status: number | undefined): SwarmFailure {
  return status === undefined ? failure : { ...failure, status };
}
