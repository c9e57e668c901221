import { classifySpawnOutcome, type SpawnOutcome } from '../classify-spawn-outcome.js';
import type { RawTranscriptLine, TranscriptEntry, TranscriptScope } from '../transcript/parse-transcript-line.js';

/** One sub-agent call found in a transcript. */
export interface SpawnCall {
  /** The `tool_use` id. */
  readonly id: string;
  readonly scope: TranscriptScope;
  /** The assistant message (model response) that made the call. */
  readonly messageId: string;
  readonly description: string | undefined;
  readonly subagentType: string | undefined;
  /** `input.run_in_background` as the model wrote it. */
  readonly runInBackground: boolean | undefined;
  /** Epoch ms of the line that holds the call. */
  readonly startedAt: number | undefined;
  /** Epoch ms of the line that holds its result. */
  endedAt: number | undefined;
  /** `totalDurationMs` when the result has it, else the time between the two lines. */
  durationMs: number | undefined;
  outcome: SpawnOutcome;
}

/** The tool calls of one model response: Claude Code runs them as one batch. */
export interface DelegationBatch {
  readonly messageId: string;
  readonly startedAt: number | undefined;
  /** Every tool call of the response, sub-agent calls included. */
  toolUseCount: number;
  readonly spawns: SpawnCall[];
}

/** One prompt turn of one agent (the main agent, or a sub-agent). */
export interface DelegationTurn {
  readonly scope: TranscriptScope;
  readonly promptId: string | undefined;
  readonly startedAt: number | undefined;
  readonly taskNotification: boolean;
  /** Responses that made tool calls, in order. */
  readonly batches: DelegationBatch[];
}

/**
 * Batches that ran one after another where one message would have done: each batch after the
 * first holds a single sub-agent call and follows a batch whose sub-agent call the agent waited for.
 */
export interface SequentialChain {
  readonly scope: TranscriptScope;
  readonly promptId: string | undefined;
  readonly batches: readonly DelegationBatch[];
  /** Sum of each batch's wait (its longest foreground sub-agent). */
  readonly waitedMs: number;
  /** The longest single wait: what the chain would have cost run as one parallel batch. */
  readonly longestMs: number;
  /** `waitedMs - longestMs`: the time lost to running the chain sequentially. */
  readonly lostMs: number;
}

/** How long the agent waited on a batch: its longest foreground sub-agent, 0 when none. */
export function batchWaitedMs(batch: DelegationBatch): number {
  let longest = 0;
  for (const spawn of batch.spawns) {
    if (spawn.outcome === 'foreground' && spawn.durationMs !== undefined) longest = Math.max(longest, spawn.durationMs);
  }
  return longest;
}

/** True when the batch made a sub-agent call that the agent had to wait for. */
export function hasForegroundSpawn(batch: Pick<DelegationBatch, 'spawns'>): boolean {
  return batch.spawns.some((spawn) => spawn.outcome === 'foreground');
}

/** True when every call of the batch was a refused sub-agent call: nothing ran, nothing waited. */
export function isRefusedBatch(batch: DelegationBatch): boolean {
  return batch.spawns.length > 0 && batch.toolUseCount === batch.spawns.length && batch.spawns.every((s) => s.outcome === 'denied');
}

/**
 * Finds the sequential chains of a turn, with the same rule the `hook` command applies live: a
 * batch is sequential when it holds exactly one sub-agent call and the batch before it (refused
 * batches skipped, since nothing ran) made a foreground sub-agent call. A chain starts at that
 * earlier batch and runs while batches stay sequential; only chains of two or more are returned.
 */
export function findSequentialChains(turn: DelegationTurn): SequentialChain[] {
  const chains: SequentialChain[] = [];
  let previous: DelegationBatch | undefined;
  let current: DelegationBatch[] = [];
  const close = (): void => {
    if (current.length >= 2) chains.push(toChain(turn, current));
    current = [];
  };
  for (const batch of turn.batches) {
    if (isRefusedBatch(batch)) continue;
    const sequential = previous !== undefined && batch.spawns.length === 1 && hasForegroundSpawn(previous);
    if (sequential) {
      if (current.at(-1) !== previous) {
        close();
        current = [previous!];
      }
      current.push(batch);
    } else {
      close();
    }
    previous = batch;
  }
  close();
  return chains;
}

function toChain(turn: DelegationTurn, batches: DelegationBatch[]): SequentialChain {
  const waits = batches.map(batchWaitedMs);
  const waitedMs = waits.reduce((sum, ms) => sum + ms, 0);
  const longestMs = Math.max(0, ...waits);
  return { scope: turn.scope, promptId: turn.promptId, batches, waitedMs, longestMs, lostMs: waitedMs - longestMs };
}

interface ScopeState {
  turn: DelegationTurn;
  byMessage: Map<string, DelegationBatch>;
  seenToolUses: Set<string>;
}

/**
 * Folds transcript entries, in file order, into turns of batches. One model response is one
 * batch however it was written: one line per content block, several blocks on one line, or
 * blocks with `tool_result` lines between them, since batches are keyed by `message.id`.
 * Each agent (main, or a sidechain's `agentId`) has its own turns. A turn is handed to `onTurn`
 * when its agent's next prompt arrives or on {@link DelegationAnalyzer.finish}; only the current
 * turn of each agent is kept, so memory stays flat over any transcript length.
 */
export class DelegationAnalyzer {
  readonly #scopes = new Map<TranscriptScope, ScopeState>();
  // Results arrive after their calls, possibly behind other agents' lines.
  readonly #openCalls = new Map<string, SpawnCall>();
  readonly #onTurn: (turn: DelegationTurn) => void;

  /** @param onTurn - Receives each finished turn. */
  constructor(onTurn: (turn: DelegationTurn) => void = () => undefined) {
    this.#onTurn = onTurn;
  }

  /** Adds the next entry. */
  push(entry: TranscriptEntry): void {
    switch (entry.kind) {
      case 'prompt': {
        this.#end(entry.scope);
        this.#scopes.set(entry.scope, newState(entry.scope, entry.promptId, entry.timestamp, entry.taskNotification));
        return;
      }
      case 'assistant': {
        const state = this.#state(entry.scope);
        let batch = state.byMessage.get(entry.messageId);
        if (batch === undefined) {
          batch = { messageId: entry.messageId, startedAt: entry.timestamp, toolUseCount: 0, spawns: [] };
          state.byMessage.set(entry.messageId, batch);
          state.turn.batches.push(batch);
        }
        for (const use of entry.toolUses) {
          // Streaming can write a block twice; a tool_use id is counted once.
          if (state.seenToolUses.has(use.id)) continue;
          state.seenToolUses.add(use.id);
          batch.toolUseCount += 1;
          if (use.spawn === undefined) continue;
          const call: SpawnCall = {
            id: use.id,
            scope: entry.scope,
            messageId: entry.messageId,
            description: use.spawn.description,
            subagentType: use.spawn.subagentType,
            runInBackground: use.spawn.runInBackground,
            startedAt: entry.timestamp,
            endedAt: undefined,
            durationMs: undefined,
            outcome: 'unknown',
          };
          batch.spawns.push(call);
          this.#openCalls.set(use.id, call);
        }
        return;
      }
      case 'result': {
        for (const result of entry.results) {
          const call = this.#openCalls.get(result.toolUseId);
          if (call === undefined) continue;
          this.#openCalls.delete(result.toolUseId);
          call.outcome = classifySpawnOutcome({
            status: result.status,
            isError: result.isError,
            text: result.text,
            runInBackground: call.runInBackground,
          });
          call.endedAt = entry.timestamp;
          call.durationMs =
            result.totalDurationMs ??
            (entry.timestamp !== undefined && call.startedAt !== undefined ? Math.max(0, entry.timestamp - call.startedAt) : undefined);
        }
        return;
      }
    }
  }

  /**
   * True when `line` mentions a sub-agent call still waiting for its result. Older clients wrote
   * results as bare text with no marker to spot them by; the call's id is the one sure sign.
   */
  mentionsOpenCall(line: RawTranscriptLine): boolean {
    for (const id of this.#openCalls.keys()) if (line.includes(id)) return true;
    return false;
  }

  /** The turn in progress for `scope`, if any; the hook reads it without ending it. */
  currentTurn(scope: TranscriptScope): DelegationTurn | undefined {
    return this.#scopes.get(scope)?.turn;
  }

  /** Hands every turn still in progress to `onTurn`. */
  finish(): void {
    for (const scope of [...this.#scopes.keys()]) this.#end(scope);
  }

  #state(scope: TranscriptScope): ScopeState {
    let state = this.#scopes.get(scope);
    if (state === undefined) {
      // Lines before the first prompt (a transcript read from the middle, or a sub-agent's file
      // cut at the front) still form a turn, just one whose prompt is unknown.
      state = newState(scope, undefined, undefined, false);
      this.#scopes.set(scope, state);
    }
    return state;
  }

  #end(scope: TranscriptScope): void {
    const state = this.#scopes.get(scope);
    if (state === undefined) return;
    this.#scopes.delete(scope);
    for (const batch of state.turn.batches) for (const spawn of batch.spawns) this.#openCalls.delete(spawn.id);
    if (state.turn.batches.length > 0) this.#onTurn(state.turn);
  }
}

function newState(scope: TranscriptScope, promptId: string | undefined, startedAt: number | undefined, taskNotification: boolean): ScopeState {
  return { turn: { scope, promptId, startedAt, taskNotification, batches: [] }, byMessage: new Map(), seenToolUses: new Set() };
}
