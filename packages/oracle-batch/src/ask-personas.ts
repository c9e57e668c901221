import { WhiteboxError } from '@whitebox/core';
import type { LlmClient } from '@whitebox/core';
import { runParallel } from '@whitebox/parallel-core';
import { aggregateVerdicts } from './aggregate-verdicts.js';
import { BUILTIN_PERSONAS } from './builtin-personas.js';
import { VerdictSchema } from './oracle-report.js';
import type { AnsweredPersona, FailedPersona, OracleReport, PersonaResult, Usage } from './oracle-report.js';
import { buildSystemPrompt } from './persona.js';
import type { Persona } from './persona.js';
import { cacheKey } from './response-cache.js';
import type { ResponseCache } from './response-cache.js';

/** What {@link askPersonas} reports while it works, for progress output. */
export type PersonaEvent =
  | { readonly type: 'start'; readonly persona: string; readonly model: string }
  | { readonly type: 'retry'; readonly persona: string; readonly attempt: number; readonly delayMs: number; readonly reason: string }
  | { readonly type: 'done'; readonly result: PersonaResult }
  | { readonly type: 'warning'; readonly persona: string; readonly message: string };

/** Options for {@link askPersonas}. */
export interface AskPersonasOptions {
  /** The LLM client to ask through; from `createLlmClient`. */
  readonly client: LlmClient;
  /** The model for personas that name none. @default client.provider.model */
  readonly model?: string | undefined;
  /**
   * Milliseconds one persona may take, retries and a re-ask included. A persona that runs out
   * fails with `TIMEOUT`; the others carry on. @default 120000
   */
  readonly timeoutMs?: number | undefined;
  /** How many personas are asked at once. @default 'auto' (all of them, up to 50) */
  readonly maxWorkers?: number | 'auto' | undefined;
  /** Stream answers; a cancel then stops generation at once and the cost is estimated. @default true */
  readonly stream?: boolean | undefined;
  /** Cancels everything: in-flight HTTP requests are aborted and the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /** Reuse and store answers here (`--cache`). */
  readonly cache?: ResponseCache | undefined;
  /** Told about starts, retries and finished personas. */
  readonly onEvent?: ((event: PersonaEvent) => void) | undefined;
  /** @default Date.now */
  readonly now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
// runParallel's own timeout is only a backstop for a call that ignores its signal; the client's
// deadline fires first and explains itself better ("next retry would pass the deadline …").
const BACKSTOP_GRACE_MS = 2_000;

function resolvePersonaList(personas: readonly (Persona | string)[]): Persona[] {
  if (!Array.isArray(personas) || personas.length === 0) {
    throw new TypeError(`Expected \`personas\` to be a non-empty array, got \`${String(personas)}\` (${typeof personas})`);
  }
  const seen = new Set<string>();
  return personas.map((entry) => {
    const persona = typeof entry === 'string' ? BUILTIN_PERSONAS.find((builtin) => builtin.name === entry) : entry;
    if (persona === undefined || typeof persona !== 'object' || typeof persona.name !== 'string' || typeof persona.systemPrompt !== 'string') {
      throw new TypeError(
        `Expected each persona to be a Persona or a built-in name (${BUILTIN_PERSONAS.map((p) => p.name).join(', ')}), got \`${String(entry)}\` (${typeof entry})`,
      );
    }
    if (seen.has(persona.name)) throw new TypeError(`Expected persona names to be unique, got "${persona.name}" twice`);
    seen.add(persona.name);
    return persona;
  });
}

function describeError(error: unknown): FailedPersona['error'] {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof WhiteboxError ? error.code : 'ERROR';
  const status = typeof (error as { status?: unknown } | null)?.status === 'number' ? (error as { status: number }).status : null;
  return { code, message, status };
}

const ZERO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, estimated: false };

/**
 * Asks every persona about `proposal` in parallel and aggregates their structured verdicts. A
 * persona that fails (HTTP error, timeout, schema mismatch after a re-ask) is reported by name
 * with its error; the others still count. It rejects only on bad input or when `signal` aborts.
 *
 * @param proposal - What to review: a plan, a diff summary, a design.
 * @param personas - Personas, or names of built-in ones (`'judge'`, `'critic'`, …).
 * @returns The report that `oracle --json` prints.
 * @example
 * const client = createLlmClient({ provider: await resolveProvider() });
 * const report = await askPersonas('Move the cache to Redis', ['judge', 'critic', 'skeptic'], { client, timeoutMs: 30_000 });
 * console.log(report.aggregate.decision, report.aggregate.consensus);
 */
export async function askPersonas(
  proposal: string,
  personas: readonly (Persona | string)[],
  options: AskPersonasOptions,
): Promise<OracleReport> {
  if (typeof proposal !== 'string' || proposal.trim() === '') {
    throw new TypeError(`Expected \`proposal\` to be a non-empty string, got \`${String(proposal)}\` (${typeof proposal})`);
  }
  if (typeof options !== 'object' || options === null || typeof options.client?.structured !== 'function') {
    throw new TypeError(`Expected \`options.client\` to be an LlmClient, got \`${String(options?.client)}\` (${typeof options?.client})`);
  }
  const list = resolvePersonaList(personas);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
    throw new TypeError(`Expected \`timeoutMs\` to be a positive number of milliseconds, got \`${String(timeoutMs)}\` (${typeof timeoutMs})`);
  }
  const { client, cache, onEvent, signal } = options;
  const now = options.now ?? Date.now;
  const defaultModel = options.model ?? client.provider.model;
  const models = list.map((persona) => {
    const model = persona.model ?? defaultModel;
    if (model === undefined) {
      throw new WhiteboxError(
        'CONFIG_INVALID',
        `persona "${persona.name}" names no model and no default model is configured; set --model, WHITEBOX_MODEL or "llm.model" in .claude/whitebox.json`,
      );
    }
    return model;
  });
  const started = now();

  const askOne = async (persona: Persona, index: number, personaSignal: AbortSignal): Promise<PersonaResult> => {
    const model = models[index] as string;
    const begun = now();
    const key = cache === undefined ? undefined : cacheKey({ baseURL: client.provider.baseURL, model, persona, proposal });
    const hit = key === undefined ? undefined : await cache?.get(key);
    if (hit !== undefined) {
      return {
        persona: persona.name,
        model: hit.model,
        status: 'answered',
        verdict: hit.verdict,
        cached: true,
        calls: 0,
        attempts: 0,
        durationMs: now() - begun,
        usage: hit.usage,
        costUsd: hit.costUsd,
      };
    }
    onEvent?.({ type: 'start', persona: persona.name, model });
    let attempts = 0;
    try {
      const answer = await client.structured({
        messages: [
          { role: 'system', content: buildSystemPrompt(persona) },
          { role: 'user', content: `Proposal:\n\n${proposal}` },
        ],
        schema: VerdictSchema,
        schemaName: 'verdict',
        model,
        temperature: persona.temperature,
        stream: options.stream ?? true,
        signal: personaSignal,
        deadlineMs: timeoutMs,
        onRetry: (event) => {
          attempts = event.attempt + 1;
          const reason = event.error instanceof Error ? event.error.message.split('\n')[0]?.slice(0, 120) ?? '' : String(event.error);
          onEvent?.({ type: 'retry', persona: persona.name, attempt: event.attempt, delayMs: event.delayMs, reason });
        },
      });
      const result: AnsweredPersona = {
        persona: persona.name,
        model: answer.model,
        status: 'answered',
        verdict: answer.value,
        cached: false,
        calls: answer.calls,
        attempts: answer.attempts,
        durationMs: now() - begun,
        usage: answer.usage,
        costUsd: answer.costUsd ?? null,
      };
      if (key !== undefined && cache !== undefined) {
        try {
          await cache.set(key, { createdAt: now(), model: answer.model, verdict: answer.value, usage: answer.usage, costUsd: result.costUsd });
        } catch (error) {
          onEvent?.({ type: 'warning', persona: persona.name, message: `could not write the cache: ${(error as Error).message}` });
        }
      }
      return result;
    } catch (error) {
      if (signal?.aborted) throw error;
      const failedAttempts = typeof (error as { attempts?: unknown }).attempts === 'number' ? (error as { attempts: number }).attempts : Math.max(1, attempts);
      return { persona: persona.name, model, status: 'failed', error: describeError(error), attempts: failedAttempts, durationMs: now() - begun };
    }
  };

  const settled = await runParallel(
    async (persona: Persona, context) => {
      const result = await askOne(persona, context.index, context.signal);
      onEvent?.({ type: 'done', result });
      return result;
    },
    list,
    { failFast: false, timeout: timeoutMs + BACKSTOP_GRACE_MS, signal, maxWorkers: options.maxWorkers ?? 'auto' },
  );

  const results: PersonaResult[] = settled.map((outcome, index) => {
    if (outcome.status === 'fulfilled') return outcome.value;
    const failed: FailedPersona = {
      persona: (list[index] as Persona).name,
      model: models[index] as string,
      status: 'failed',
      error: describeError(outcome.error),
      attempts: outcome.attempts,
      durationMs: outcome.durationMs,
    };
    onEvent?.({ type: 'done', result: failed });
    return failed;
  });

  let usage = ZERO_USAGE;
  let costUsd: number | null = 0;
  for (const result of results) {
    if (result.status !== 'answered' || result.cached) continue;
    usage = {
      promptTokens: usage.promptTokens + result.usage.promptTokens,
      completionTokens: usage.completionTokens + result.usage.completionTokens,
      totalTokens: usage.totalTokens + result.usage.totalTokens,
      estimated: usage.estimated || result.usage.estimated,
    };
    costUsd = costUsd === null || result.costUsd === null ? null : costUsd + result.costUsd;
  }

  return {
    schemaVersion: 1,
    proposal,
    results,
    aggregate: aggregateVerdicts(results),
    usage,
    costUsd,
    durationMs: now() - started,
  };
}
