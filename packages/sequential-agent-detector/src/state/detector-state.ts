import { readFileSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { appendJsonlSync } from '@whitebox/core';
import type { SpawnOutcome } from '../classify-spawn-outcome.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';

/** A PreToolUse hook saw a sub-agent call. Written first thing, so that siblings see it. */
export interface PreEvent {
  readonly e: 'pre';
  /** The `tool_use_id`. */
  readonly id: string;
  /** The `prompt_id`, or null on clients that do not send one. */
  readonly turn: string | null;
  /** Hash of `tool_input`: what "re-issued unchanged" compares. */
  readonly hash: string;
  /** Epoch ms when it was written. */
  readonly at: number;
  /** Epoch ms when the hook process started: siblings of one batch start within milliseconds. */
  readonly origin: number;
}

/** The hook denied a call (block mode). */
export interface DenyEvent {
  readonly e: 'deny';
  readonly id: string;
  readonly turn: string | null;
  readonly hash: string;
  readonly at: number;
}

/** The hook let an identical re-issue of a denied call through; `of` is the denied call's id. */
export interface EscapeEvent {
  readonly e: 'escape';
  readonly id: string;
  readonly of: string;
  readonly turn: string | null;
  readonly hash: string;
  readonly at: number;
}

/** One sub-agent call of a finished batch. */
export interface BatchSpawn {
  readonly id: string;
  readonly outcome: SpawnOutcome;
}

/** A PostToolBatch: the calls of one model response, after they all finished. */
export interface BatchEvent {
  readonly e: 'batch';
  readonly turn: string | null;
  readonly at: number;
  readonly spawns: readonly BatchSpawn[];
  /** Calls of other tools in the same batch. */
  readonly others: number;
  /** Turn markers seen before this batch (for clients without `prompt_id`). */
  readonly marker: number;
}

/** A turn boundary for clients without `prompt_id` (from UserPromptSubmit). */
export interface TurnEvent {
  readonly e: 'turn';
  readonly at: number;
}

/** The folded state written in place of a long log. */
export interface SnapshotEvent {
  readonly e: 'snapshot';
  readonly at: number;
  readonly batches: number;
  readonly markers: number;
  readonly lastBatch: BatchEvent | null;
  readonly pending: readonly PreEvent[];
  readonly denies: readonly DenyEvent[];
  readonly escapes: readonly EscapeEvent[];
}

/** One line of a scope's state log. */
export type DetectorEvent = PreEvent | DenyEvent | EscapeEvent | BatchEvent | TurnEvent | SnapshotEvent;

/** What one agent's log folds to. */
export interface ScopeState {
  /** Batches recorded ever: 0 means the `batch` hook is not installed (or this is the first batch). */
  readonly batches: number;
  /** Turn markers recorded ever. */
  readonly markers: number;
  /** The last batch in which something ran (batches of refused calls only are skipped). */
  readonly lastBatch: BatchEvent | undefined;
  /** Sub-agent calls seen since the last batch of any kind. */
  readonly pending: readonly PreEvent[];
  readonly denies: readonly DenyEvent[];
  readonly escapes: readonly EscapeEvent[];
  /** Lines that did not parse (a torn or hand-edited file); they are skipped. */
  readonly corruptLines: number;
  /** Size of the log in bytes. */
  readonly bytes: number;
}

/** The scope of a hook input: the main agent, or the sub-agent it fired in. */
export interface ScopeRef {
  readonly sessionId: string;
  /** `agent_id` of the hook input; absent for the main agent. */
  readonly agentId?: string | undefined;
}

/**
 * The default state directory: per user under the OS temp dir. Session ids are unique, and the
 * project directory is not a safe key because a session's `cwd` follows `cd`.
 */
export function defaultStateDir(): string {
  let user = 'user';
  try {
    user = userInfo().username || String(process.getuid?.() ?? 'user');
  } catch {
    // No passwd entry (some containers): the temp dir is still per-machine.
  }
  return join(tmpdir(), `whitebox-agent-detector-${safeName(user)}`);
}

/** The log file of one agent of one session. */
export function stateFilePath(stateDir: string, scope: ScopeRef): string {
  const file = scope.agentId === undefined || scope.agentId === '' ? 'main.jsonl' : `agent-${safeName(scope.agentId)}.jsonl`;
  return join(sessionDirPath(stateDir, scope.sessionId), file);
}

/** The directory that holds every log of one session. */
export function sessionDirPath(stateDir: string, sessionId: string): string {
  return join(stateDir, safeName(sessionId));
}

/**
 * Appends one event as one `O_APPEND` write: concurrent hooks of one batch never tear or
 * interleave each other's lines, and nobody waits for a lock on the hot path.
 */
export function appendEvent(file: string, event: DetectorEvent): void {
  appendJsonlSync(file, event);
}

const EMPTY: ScopeState = { batches: 0, markers: 0, lastBatch: undefined, pending: [], denies: [], escapes: [], corruptLines: 0, bytes: 0 };

/** Reads and folds a log; a missing file is the empty state. Never throws on bad content. */
export function readScopeState(file: string): ScopeState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw error;
  }
  return foldEvents(text);
}

/**
 * Folds log text into a {@link ScopeState}. Lines that are not events are counted in
 * `corruptLines` and skipped, so a damaged log degrades to less knowledge, never to an error.
 */
export function foldEvents(text: string): ScopeState {
  let batches = 0;
  let markers = 0;
  let lastBatch: BatchEvent | undefined;
  let pending: PreEvent[] = [];
  let denies: DenyEvent[] = [];
  let escapes: EscapeEvent[] = [];
  let corruptLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const event = parseEvent(line);
    if (event === undefined) {
      corruptLines += 1;
      continue;
    }
    switch (event.e) {
      case 'pre':
        pending.push(event);
        break;
      case 'deny':
        denies.push(event);
        break;
      case 'escape':
        escapes.push(event);
        break;
      case 'turn':
        // A new prompt: calls of the previous turn can no longer be siblings of anything.
        markers += 1;
        pending = [];
        break;
      case 'batch':
        batches += 1;
        pending = [];
        if (!isRefusedOnly(event)) lastBatch = event;
        break;
      case 'snapshot':
        batches = event.batches;
        markers = event.markers;
        lastBatch = event.lastBatch ?? undefined;
        pending = [...event.pending];
        denies = [...event.denies];
        escapes = [...event.escapes];
        break;
    }
  }
  return { batches, markers, lastBatch, pending, denies, escapes, corruptLines, bytes: Buffer.byteLength(text) };
}

/** True when every call of the batch was a refused sub-agent call: nothing ran. */
export function isRefusedOnly(batch: BatchEvent): boolean {
  return batch.others === 0 && batch.spawns.length > 0 && batch.spawns.every((spawn) => spawn.outcome === 'denied');
}

/** Options for {@link compactScopeLog}. */
export interface CompactOptions extends FileLockOptions {
  /** Compact only when the log is at least this big. @default 65536 */
  readonly minBytes?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Rewrites a long log as one snapshot line (under a lock, through a temp file and a rename).
 * Only the `batch` hook calls it: within one agent, PostToolBatch runs after every call of the
 * batch finished and before the next model response, so no PreToolUse of that agent is appending.
 * Denials and re-issues of earlier turns are dropped; they can no longer matter.
 *
 * @returns True when the log was rewritten.
 */
export async function compactScopeLog(file: string, options: CompactOptions = {}): Promise<boolean> {
  const { minBytes = 65_536, now = Date.now } = options;
  const size = await stat(file).then((s) => s.size, () => 0);
  if (size < minBytes) return false;
  return withFileLock(
    `${file}.lock`,
    async () => {
      const state = foldEvents(await readFile(file, 'utf8'));
      const turn = state.lastBatch?.turn ?? null;
      const keep = <T extends { turn: string | null }>(events: readonly T[]): T[] =>
        turn === null ? events.slice(-100) : events.filter((event) => event.turn === turn);
      const snapshot: SnapshotEvent = {
        e: 'snapshot',
        at: now(),
        batches: state.batches,
        markers: state.markers,
        lastBatch: state.lastBatch ?? null,
        pending: [...state.pending],
        denies: keep(state.denies),
        escapes: keep(state.escapes),
      };
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(snapshot)}\n`);
      await rename(temp, file);
      return true;
    },
    options,
  );
}

/** Deletes a session's state (SessionEnd). */
export async function removeSessionState(stateDir: string, sessionId: string): Promise<void> {
  await rm(sessionDirPath(stateDir, sessionId), { recursive: true, force: true });
}

/**
 * Deletes the state of sessions that have not been written to for `olderThanMs`: sessions that
 * ended without a SessionEnd hook (killed, crashed) would otherwise stay forever.
 *
 * @returns The session directories removed.
 */
export async function pruneStaleSessions(stateDir: string, options: { readonly olderThanMs: number; readonly now?: () => number; readonly keep?: string }): Promise<string[]> {
  const cutoff = (options.now ?? Date.now)() - options.olderThanMs;
  const entries = await readdir(stateDir, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === options.keep) continue;
    const dir = join(stateDir, entry.name);
    const files = await readdir(dir).catch(() => [] as string[]);
    const times = await Promise.all(files.map((file) => stat(join(dir, file)).then((s) => s.mtimeMs, () => 0)));
    const newest = Math.max((await stat(dir).then((s) => s.mtimeMs, () => 0)), ...times);
    if (newest < cutoff) {
      await rm(dir, { recursive: true, force: true });
      removed.push(entry.name);
    }
  }
  return removed;
}

function parseEvent(line: string): DetectorEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  switch (event['e']) {
    case 'pre':
      return typeof event['id'] === 'string' && typeof event['hash'] === 'string' && typeof event['origin'] === 'number'
        ? (event as unknown as PreEvent)
        : undefined;
    case 'deny':
    case 'escape':
      return typeof event['id'] === 'string' && typeof event['hash'] === 'string' ? (event as unknown as DenyEvent | EscapeEvent) : undefined;
    case 'batch':
      return Array.isArray(event['spawns']) && typeof event['others'] === 'number' ? (event as unknown as BatchEvent) : undefined;
    case 'turn':
      return event as unknown as TurnEvent;
    case 'snapshot':
      return Array.isArray(event['pending']) && Array.isArray(event['denies']) && Array.isArray(event['escapes'])
        ? (event as unknown as SnapshotEvent)
        : undefined;
    default:
      return undefined;
  }
}

/** Keeps ids usable as file names whatever a client sends. */
function safeName(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_').slice(0, 128) || '_';
}
