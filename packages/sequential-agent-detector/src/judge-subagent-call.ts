import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DelegationAnalyzer, hasForegroundSpawn, isRefusedBatch, type DelegationBatch } from './analysis/delegation-analyzer.js';
import type { DetectorHookInput } from './detector-hook-input.js';
import {
  appendEvent,
  readScopeState,
  stateFilePath,
  type BatchEvent,
  type PreEvent,
  type ScopeState,
} from './state/detector-state.js';
import { MAIN_SCOPE, mayBeSpawnResult, type TranscriptEntry } from './transcript/parse-transcript-line.js';
import { TranscriptTail } from './transcript/transcript-tail.js';

/** Options for {@link judgeSubagentCall}. */
export interface JudgeSubagentCallOptions {
  /** Where per-session state lives. */
  readonly stateDir: string;
  /** Write a `deny` event when the call is judged sequential, so that an identical re-issue passes. @default false */
  readonly recordDenial?: boolean;
  /**
   * Least time a lone call waits for siblings of its batch. The PreToolUse hooks of one parallel
   * batch start about 1 ms apart, but each is a process whose start-up varies with load.
   * @default 40
   */
  readonly waitMs?: number;
  /** The wait grows with this process's own start-up time, up to this much. @default 160 */
  readonly maxWaitMs?: number;
  /** How often the state and transcript are re-read while waiting. @default 5 */
  readonly pollIntervalMs?: number;
  /**
   * Without the `batch` hook there is no batch boundary in the state; then calls whose hook
   * processes started within this window of each other are taken as one batch.
   * @default 1000
   */
  readonly siblingWindowMs?: number;
  /** Read the transcript to confirm the state or recover it. @default true */
  readonly transcript?: boolean;
  /** How far back the transcript is read, at most. @default 8 MiB */
  readonly transcriptMaxBytes?: number;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** Epoch ms when this hook process started. @default performance.timeOrigin */
  readonly processStartedAt?: number;
  /** Receives diagnostics (shown under --verbose). */
  readonly log?: (message: string) => void;
}

/**
 * Why a call was judged the way it was:
 * - `parallel`: another sub-agent call is in the same batch;
 * - `first-in-turn`: no earlier batch in this turn (of this agent);
 * - `after-background`: the previous batch's sub-agents were background launches;
 * - `after-other-tools`: the previous batch made no sub-agent call that ran;
 * - `re-issue`: an identical call was denied earlier in the turn, so this one passes;
 * - `sequential`: alone in its batch, right after a batch that waited for a sub-agent;
 * - `already-denied`: a second hook instance for a call this hook already denied;
 * - `state-damaged`: the state log has unreadable lines, so the safe answer is to allow.
 */
export type CallVerdictReason =
  | 'parallel'
  | 'first-in-turn'
  | 'after-background'
  | 'after-other-tools'
  | 're-issue'
  | 'sequential'
  | 'already-denied'
  | 'state-damaged';

/** The judgement on one sub-agent call. */
export interface CallVerdict {
  /** True when the call is sequential delegation. */
  readonly sequential: boolean;
  readonly reason: CallVerdictReason;
  /** Where the deciding fact came from. */
  readonly source: 'state' | 'transcript';
  /** Other sub-agent calls seen in the same batch. */
  readonly siblings: number;
  /** Time spent waiting for siblings. */
  readonly waitedMs: number;
}

/** What the transcript shows about the current call. */
interface CallSighting {
  readonly found: boolean;
  readonly spawns: number;
  /** The message was fully written: a later line belongs to something else. */
  readonly complete: boolean;
}

/**
 * Judges a PreToolUse sub-agent call: is it sequential delegation? The signal is the client's
 * ordering, kept in per-session state by the hooks themselves: a PostToolBatch always separates
 * sequential calls and never separates parallel ones, and the PreToolUse hooks of one parallel
 * batch run concurrently. So the call is recorded first, then judged against the calls seen since
 * the last batch and against that batch's outcome. A call that finds itself alone after a batch
 * that waited for a sub-agent waits briefly for siblings (and looks for its own message in the
 * transcript) before it is called sequential. Calls inside a sub-agent are judged against that
 * sub-agent's own history only.
 *
 * @throws The `fs` error when the state directory cannot be written; callers treat any error as "allow".
 * @example
 * const verdict = await judgeSubagentCall(input, { stateDir, recordDenial: mode === 'block' });
 * if (verdict.sequential) deny(BLOCK_REASON);
 */
export async function judgeSubagentCall(input: DetectorHookInput, options: JudgeSubagentCallOptions): Promise<CallVerdict> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? delay;
  const log = options.log ?? (() => undefined);
  const waitMs = options.waitMs ?? 40;
  const maxWaitMs = Math.max(waitMs, options.maxWaitMs ?? 160);
  const pollIntervalMs = Math.max(1, options.pollIntervalMs ?? 5);
  const siblingWindowMs = options.siblingWindowMs ?? 1000;
  const id = input.toolUseId ?? '';
  const turn = input.promptId ?? null;
  const file = stateFilePath(options.stateDir, { sessionId: input.sessionId, agentId: input.agentId });
  const hash = hashToolInput(input.toolInput);
  const origin = options.processStartedAt ?? performance.timeOrigin;

  const pre: PreEvent = { e: 'pre', id, turn, hash, at: now(), origin };
  appendEvent(file, pre);
  const appendedAt = now();
  let state = readScopeState(file);

  const verdict = (sequential: boolean, reason: CallVerdictReason, source: 'state' | 'transcript', siblings = 0): CallVerdict => ({
    sequential,
    reason,
    source,
    siblings,
    waitedMs: Math.max(0, now() - appendedAt),
  });

  if (state.corruptLines > 0) {
    // Damaged state could hide a batch boundary or a denial; the next `batch` rewrites it clean.
    log(`state ${file}: ${state.corruptLines} unreadable line(s); allowing`);
    return verdict(false, 'state-damaged', 'state');
  }

  // The same call reaches this hook twice when settings match it under two matchers.
  if (state.denies.some((deny) => deny.id === id)) return verdict(true, 'already-denied', 'state');
  if (state.escapes.some((escape) => escape.id === id)) return verdict(false, 're-issue', 'state');

  const siblingsOf = (current: ScopeState): number => countSiblings(current, pre, siblingWindowMs);
  let siblings = siblingsOf(state);
  if (siblings > 0) return verdict(false, 'parallel', 'state', siblings);

  const transcript = options.transcript === false ? undefined : new TranscriptProbe(input, turn, options.transcriptMaxBytes, log);
  let previous: PreviousBatch | undefined;
  let source: 'state' | 'transcript' = 'state';
  if (state.batches > 0) {
    previous = previousFromState(state, turn);
  } else {
    // No batch was ever recorded: the `batch` hook is not installed, or this is the first batch.
    log('no batch recorded for this session yet; reading the transcript for the previous batch');
    previous = await transcript?.previousBatch(id);
    source = 'transcript';
  }
  if (previous === undefined) return verdict(false, 'first-in-turn', source);
  if (!previous.foreground) return verdict(false, previous.background ? 'after-background' : 'after-other-tools', source);

  const denied = state.denies.find(
    (deny) => deny.hash === hash && deny.turn === turn && deny.id !== id && !state.escapes.some((escape) => escape.of === deny.id),
  );
  if (denied !== undefined) {
    appendEvent(file, { e: 'escape', id, of: denied.id, turn, hash, at: now() });
    return verdict(false, 're-issue', 'state');
  }

  // Alone so far: give siblings that started a little later the time to record themselves.
  const startup = Math.max(0, appendedAt - origin);
  const deadline = appendedAt + (waitMs === 0 ? 0 : Math.min(maxWaitMs, Math.max(waitMs, startup)));
  for (;;) {
    const sighting = await transcript?.sight(id);
    if (sighting?.found && sighting.spawns >= 2) return verdict(false, 'parallel', 'transcript', sighting.spawns - 1);
    state = readScopeState(file);
    siblings = siblingsOf(state);
    if (siblings > 0) return verdict(false, 'parallel', 'state', siblings);
    if (sighting?.found && sighting.complete) {
      log('the transcript shows this call alone in a complete message');
      break;
    }
    if (now() >= deadline) break;
    await sleep(Math.min(pollIntervalMs, Math.max(1, deadline - now())));
  }
  if (options.recordDenial === true) appendEvent(file, { e: 'deny', id, turn, hash, at: now() });
  return verdict(true, 'sequential', source);
}

/** A stable hash of a tool input: key order does not matter, any value change does. */
export function hashToolInput(input: unknown): string {
  return createHash('sha256').update(stableStringify(input)).digest('base64url').slice(0, 22);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function countSiblings(state: ScopeState, self: PreEvent, windowMs: number): number {
  const ids = new Set<string>();
  for (const event of state.pending) {
    if (event.id === self.id || event.turn !== self.turn) continue;
    // With batch events in the log, everything since the last one is this batch; without them,
    // only calls whose hooks started together are.
    if (state.batches === 0 && Math.abs(event.origin - self.origin) > windowMs) continue;
    ids.add(event.id);
  }
  return ids.size;
}

interface PreviousBatch {
  readonly foreground: boolean;
  readonly background: boolean;
}

function previousFromState(state: ScopeState, turn: string | null): PreviousBatch | undefined {
  const batch: BatchEvent | undefined = state.lastBatch;
  if (batch === undefined) return undefined;
  if (turn !== null ? batch.turn !== turn : batch.marker !== state.markers) return undefined;
  return {
    foreground: batch.spawns.some((spawn) => spawn.outcome === 'foreground'),
    background: batch.spawns.some((spawn) => spawn.outcome === 'background'),
  };
}

/** Reads the transcript lazily, at most once from the end, then only what is appended. */
class TranscriptProbe {
  #tail: TranscriptTail | undefined;
  #failed = false;
  readonly #file: string | undefined;
  readonly #scope: string;
  readonly #turn: string | null;
  readonly #maxBytes: number | undefined;
  readonly #log: (message: string) => void;

  constructor(input: DetectorHookInput, turn: string | null, maxBytes: number | undefined, log: (message: string) => void) {
    this.#turn = turn;
    this.#maxBytes = maxBytes;
    this.#log = log;
    this.#scope = input.agentId ?? MAIN_SCOPE;
    const main = input.transcriptPath;
    if (main === undefined) {
      this.#file = undefined;
    } else if (input.agentId === undefined) {
      this.#file = main;
    } else {
      // Hooks inside a sub-agent get the main transcript's path; the sub-agent writes its own file.
      const own = join(dirname(main), basename(main, '.jsonl'), 'subagents', `agent-${input.agentId}.jsonl`);
      this.#file = existsSync(own) ? own : main;
    }
  }

  async sight(id: string): Promise<CallSighting | undefined> {
    const tail = await this.#read();
    if (tail === undefined) return undefined;
    const lines = tail.lines;
    let messageId: string | undefined;
    for (const line of lines) {
      const entry = line.entry;
      if (entry?.kind === 'assistant' && entry.scope === this.#scope && entry.toolUses.some((use) => use.id === id)) {
        messageId = entry.messageId;
        break;
      }
    }
    if (messageId === undefined) return { found: false, spawns: 0, complete: false };
    const spawnIds = new Set<string>();
    let last = -1;
    lines.forEach((line, index) => {
      if (line.messageId !== messageId) return;
      last = index;
      if (line.entry?.kind === 'assistant') for (const use of line.entry.toolUses) if (use.spawn) spawnIds.add(use.id);
    });
    const complete = lines.slice(last + 1).some((line) => !line.user && line.messageId !== messageId);
    return { found: true, spawns: spawnIds.size, complete };
  }

  async previousBatch(id: string): Promise<PreviousBatch | undefined> {
    const tail = await this.#read();
    if (tail === undefined) return undefined;
    const analyzer = new DelegationAnalyzer();
    for (const line of tail.lines) if (line.entry !== undefined && line.entry.scope === this.#scope) analyzer.push(line.entry);
    const batches = analyzer.currentTurn(this.#scope)?.batches ?? [];
    const mine = batches.findIndex((batch) => batch.spawns.some((spawn) => spawn.id === id));
    const before = (mine === -1 ? batches : batches.slice(0, mine)).filter((batch) => !isRefusedBatch(batch));
    const batch: DelegationBatch | undefined = before.at(-1);
    if (batch === undefined) return undefined;
    // A later message exists, so the model had every result of this batch even if the transcript
    // has not caught up with them; the requested mode then tells foreground from background.
    for (const spawn of batch.spawns) {
      if (spawn.outcome === 'unknown' && spawn.runInBackground !== undefined) spawn.outcome = spawn.runInBackground ? 'background' : 'foreground';
    }
    return { foreground: hasForegroundSpawn(batch), background: batch.spawns.some((spawn) => spawn.outcome === 'background') };
  }

  async #read(): Promise<TranscriptTail | undefined> {
    if (this.#failed || this.#file === undefined) return undefined;
    try {
      if (this.#tail === undefined) {
        this.#tail = await TranscriptTail.open(this.#file, {
          maxBytes: this.#maxBytes,
          // Reading backwards, results come before their calls, so ids cannot pick them out;
          // small result lines are all parsed (old clients' sub-agent reports are bare text).
          wantResultLine: (line) => line.length < 65_536 || mayBeSpawnResult(line),
          isStart: (entry) => this.#isTurnStart(entry),
        });
        if (this.#tail.truncated) this.#log(`transcript ${this.#file}: turn start not within the last ${this.#maxBytes ?? 8 * 1024 * 1024} bytes`);
      } else {
        await this.#tail.poll();
      }
      return this.#tail;
    } catch (error) {
      this.#failed = true;
      this.#log(`transcript ${this.#file} unreadable (${(error as Error).message}); deciding from the state alone`);
      return undefined;
    }
  }

  #isTurnStart(entry: TranscriptEntry): boolean {
    if (entry.kind !== 'prompt' || entry.scope !== this.#scope) return false;
    if (this.#scope !== MAIN_SCOPE || this.#turn === null || entry.promptId === undefined) return true;
    return entry.promptId === this.#turn;
  }
}
