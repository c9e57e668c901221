import { isAbortError, LlmAbortedError } from '@whitebox/core';
import type { LlmClient, LlmUsage, StructuredRequest, StructuredResult } from '@whitebox/core';
import type { CouncilCall } from './council-transcript.js';

/** Which part of the deliberation a call belongs to. */
export interface CallTags {
  readonly round: number;
  readonly role: 'persona' | 'arbiter';
  readonly speculative: boolean;
  /** Tells the speculative and the restarted calls of one round apart. */
  readonly batch: number;
}

/** A call as the ledger tracks it: the transcript's record plus what the deliberation needs back. */
export interface LedgerEntry extends CallTags {
  name: string;
  model: string;
  outcome: CouncilCall['outcome'] | 'pending';
  wasted: boolean;
  note: string | null;
  startedAtMs: number;
  durationMs: number;
  usage: LlmUsage | null;
  costUsd: number | null;
  /** The validated answer of an answered call. */
  value: unknown;
  calls: number;
  attempts: number;
}

/** Options for {@link createCallLedger}. */
export interface CallLedgerOptions {
  /** Milliseconds since the deliberation started. */
  readonly at: () => number;
  /** Persona names by their full system prompt, to name calls askPersonas makes. */
  readonly personaBySystem: ReadonlyMap<string, string>;
  /** Told after every call settles (the budget check). */
  readonly onSettled: (entry: LedgerEntry) => void;
}

/** Records every call's outcome, usage and cost, cancelled ones included. */
export interface CallLedger {
  readonly entries: readonly LedgerEntry[];
  /** A client that records each `structured` call under `tags` and then passes it on. */
  client(base: LlmClient, tags: CallTags): LlmClient;
  /** Waits until no call is in flight (cancelled calls report their usage as they unwind). */
  idle(): Promise<void>;
  /** Tokens and known dollars spent so far, wasted calls included. */
  spent(): { tokens: number; costUsd: number };
}

function reasonOf(signal: AbortSignal | undefined, error: unknown): string {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates the ledger the deliberation routes every LLM call through. It wraps the caller's client
 * rather than using its `onCall` hook because the client is the caller's, created before the
 * council existed, and because askPersonas rejects as soon as its signal aborts, before the
 * cancelled calls have reported what they cost.
 */
export function createCallLedger(options: CallLedgerOptions): CallLedger {
  const entries: LedgerEntry[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let tokens = 0;
  let costUsd = 0;

  function client(base: LlmClient, tags: CallTags): LlmClient {
    async function structured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
      const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
      const entry: LedgerEntry = {
        ...tags,
        name: tags.role === 'arbiter' ? 'arbiter' : (options.personaBySystem.get(system) ?? request.label ?? 'unknown'),
        model: request.model ?? base.provider.model ?? 'unknown',
        outcome: 'pending',
        wasted: false,
        note: null,
        startedAtMs: options.at(),
        durationMs: 0,
        usage: null,
        costUsd: null,
        value: undefined,
        calls: 1,
        attempts: 1,
      };
      entries.push(entry);
      const call = base.structured(request);
      const tracked = call.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(tracked);
      try {
        const result = await call;
        Object.assign(entry, {
          outcome: 'answered',
          model: result.model,
          usage: result.usage,
          costUsd: result.costUsd ?? null,
          value: result.value,
          calls: result.calls,
          attempts: result.attempts,
        });
        return result;
      } catch (error) {
        if (error instanceof LlmAbortedError) {
          Object.assign(entry, { outcome: 'cancelled', wasted: true, usage: error.usage, costUsd: error.costUsd ?? null });
          entry.note = reasonOf(request.signal, error);
        } else if (isAbortError(error) || request.signal?.aborted === true) {
          Object.assign(entry, { outcome: 'cancelled', wasted: true, note: reasonOf(request.signal, error) });
        } else {
          Object.assign(entry, { outcome: 'failed', note: error instanceof Error ? error.message : String(error) });
          const attempts = (error as { attempts?: unknown }).attempts;
          if (typeof attempts === 'number') entry.attempts = attempts;
        }
        throw error;
      } finally {
        entry.durationMs = Math.max(0, options.at() - entry.startedAtMs);
        tokens += entry.usage?.totalTokens ?? 0;
        costUsd += entry.costUsd ?? 0;
        inFlight.delete(tracked);
        options.onSettled(entry);
      }
    }
    return { provider: base.provider, chat: (request) => base.chat(request), structured };
  }

  return {
    entries,
    client,
    idle: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    spent: () => ({ tokens, costUsd }),
  };
}
