import { stat, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { classifySpawnOutcome } from './classify-spawn-outcome.js';
import type { BatchToolCall, DetectorHookInput } from './detector-hook-input.js';
import {
  appendEvent,
  compactScopeLog,
  pruneStaleSessions,
  readScopeState,
  removeSessionState,
  sessionDirPath,
  stateFilePath,
  type BatchSpawn,
} from './state/detector-state.js';

/** Options for {@link recordBatch}. */
export interface RecordBatchOptions {
  /** Where per-session state lives. */
  readonly stateDir: string;
  /** State of sessions idle this long is deleted when a new session starts. @default 72 h */
  readonly pruneAfterMs?: number;
  /** A scope log this big is compacted into one snapshot line. @default 65536 */
  readonly compactBytes?: number;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** What {@link recordBatch} did. */
export interface RecordBatchResult {
  /**
   * - `batch`: a PostToolBatch was recorded;
   * - `turn`: a turn boundary was recorded (UserPromptSubmit, for clients without `prompt_id`);
   * - `session-end`: the session's state was deleted;
   * - `ignored`: another event.
   */
  readonly recorded: 'batch' | 'turn' | 'session-end' | 'ignored';
  /** The batch's sub-agent calls and how each ended. */
  readonly spawns: readonly BatchSpawn[];
  /** Sessions whose stale state was deleted. */
  readonly pruned: readonly string[];
  /** True when the log was compacted. */
  readonly compacted: boolean;
}

const SUBAGENT_TOOLS = new Set(['Agent', 'Task']);

/**
 * Records what the PreToolUse hook needs to know about finished batches. For PostToolBatch, each
 * sub-agent call is classified from what the model received: a background launch (`Async agent
 * launched…`), a call this detector (or anything else) refused, or a foreground sub-agent whose
 * report the agent waited for. SessionEnd deletes the session's state; UserPromptSubmit marks a
 * turn boundary. The first record of a new session also deletes sessions idle for `pruneAfterMs`.
 *
 * @throws The `fs` error when the state directory cannot be written.
 */
export async function recordBatch(input: DetectorHookInput, options: RecordBatchOptions): Promise<RecordBatchResult> {
  const now = options.now ?? Date.now;
  const nothing = { spawns: [], pruned: [], compacted: false } as const;
  if (input.event === 'SessionEnd') {
    await removeSessionState(options.stateDir, input.sessionId);
    return { recorded: 'session-end', ...nothing };
  }
  if (input.event !== 'PostToolBatch' && input.event !== 'UserPromptSubmit') return { recorded: 'ignored', ...nothing };

  const file = stateFilePath(options.stateDir, { sessionId: input.sessionId, agentId: input.agentId });
  let spawns: BatchSpawn[] = [];
  if (input.event === 'UserPromptSubmit') {
    appendEvent(file, { e: 'turn', at: now() });
  } else {
    const state = readScopeState(file);
    const denied = new Set(state.denies.map((deny) => deny.id));
    const calls = input.toolCalls ?? [];
    spawns = calls
      .filter((call) => SUBAGENT_TOOLS.has(call.toolName))
      .map((call) => ({ id: call.toolUseId, outcome: denied.has(call.toolUseId) ? 'denied' : outcomeOf(call) }));
    appendEvent(file, {
      e: 'batch',
      turn: input.promptId ?? null,
      at: now(),
      spawns,
      others: calls.length - spawns.length,
      marker: state.markers,
    });
  }
  const pruned = await pruneIfDue(options.stateDir, input.sessionId, options.pruneAfterMs ?? 72 * 3_600_000, now);
  // A damaged log (hand-edited, disk trouble) makes the hook allow everything: rewrite it clean.
  const damaged = input.event === 'PostToolBatch' && readScopeState(file).corruptLines > 0;
  const compacted = await compactScopeLog(file, { minBytes: damaged ? 0 : options.compactBytes, now });
  return { recorded: input.event === 'UserPromptSubmit' ? 'turn' : 'batch', spawns, pruned, compacted };
}

const PRUNE_MARKER = '.last-prune';
const PRUNE_EVERY_MS = 3_600_000;

// Sessions killed without SessionEnd leave state behind; a sweep at most once an hour clears it.
async function pruneIfDue(stateDir: string, sessionId: string, olderThanMs: number, now: () => number): Promise<string[]> {
  const marker = join(stateDir, PRUNE_MARKER);
  const last = await stat(marker).then((s) => s.mtimeMs, () => 0);
  if (now() - last < PRUNE_EVERY_MS) return [];
  await writeFile(marker, '');
  await utimes(marker, now() / 1000, now() / 1000);
  return pruneStaleSessions(stateDir, { olderThanMs, now, keep: basename(sessionDirPath(stateDir, sessionId)) });
}

function outcomeOf(call: BatchToolCall): BatchSpawn['outcome'] {
  const response = call.toolResponse;
  const input = typeof call.toolInput === 'object' && call.toolInput !== null ? (call.toolInput as Record<string, unknown>) : {};
  const background = typeof input['run_in_background'] === 'boolean' ? input['run_in_background'] : undefined;
  if (typeof response === 'object' && response !== null && !Array.isArray(response)) {
    const record = response as Record<string, unknown>;
    if (typeof record['status'] === 'string') return classifySpawnOutcome({ status: record['status'], runInBackground: background });
  }
  return classifySpawnOutcome({ text: responseText(response), runInBackground: background, hasResult: response !== undefined });
}

function responseText(response: unknown): string {
  if (typeof response === 'string') return response;
  if (!Array.isArray(response)) return '';
  let text = '';
  for (const block of response) {
    if (typeof block === 'object' && block !== null && typeof (block as Record<string, unknown>)['text'] === 'string') {
      text += (block as Record<string, unknown>)['text'] as string;
    }
    if (text.length > 600) break;
  }
  return text;
}
