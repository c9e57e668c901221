import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PerfRecord } from '@whitebox/core';
import { appendJsonlSync } from '@whitebox/core';
import { summarizeHookInput } from '../../hook-runtime/summarize-hook-input.js';

/** Options for {@link recordToolTiming}. */
export interface RecordToolTimingOptions {
  /** The hook's stdin: PreToolUse, PostToolUse or PostToolUseFailure JSON. */
  readonly input: Buffer | string;
  /** The timing log to append to. */
  readonly logFile: string;
  /** Where PreToolUse start times wait for their PostToolUse. @default `<log dir>/hook_performance.pending` */
  readonly stateDir?: string;
  /** The clock, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** Session folders untouched for this long are removed when a new session starts. @default 86_400_000 (a day) */
  readonly staleAfterMs?: number;
}

/** What {@link recordToolTiming} did. */
export interface RecordToolTimingResult {
  /**
   * `started`: a PreToolUse start time was kept; `recorded`: a tool record was appended;
   * `unpaired`: a Post event had neither `duration_ms` nor a matching PreToolUse;
   * `ignored`: not a tool event, or no `tool_use_id`.
   */
  readonly status: 'started' | 'recorded' | 'unpaired' | 'ignored';
  /** The appended record, when `recorded`. */
  readonly record?: PerfRecord;
}

const POST_EVENTS = new Set(['PostToolUse', 'PostToolUseFailure']);

/**
 * Records one tool call's latency, keyed by `tool_use_id`. PostToolUse and PostToolUseFailure carry
 * `duration_ms` (Claude Code 2.1.119+), which is used when present; otherwise the call is paired
 * with the start time PreToolUse left behind. Each pending call is its own small file, created
 * with `wx` and removed by its Post event, so parallel tool calls (whose hooks run concurrently)
 * never contend for shared state. Calls that never finish (a denied call gets no PostToolUse)
 * leave a file that is swept with its session folder a day later.
 *
 * @throws The `fs` error when state or the log cannot be written; the `record` command swallows it.
 */
export function recordToolTiming(options: RecordToolTimingOptions): RecordToolTimingResult {
  const now = options.now ?? Date.now;
  const input = summarizeHookInput(options.input, true);
  const { event, tool_use_id: toolUseId } = input;
  if (event === undefined || toolUseId === undefined) return { status: 'ignored' };
  const stateDir = options.stateDir ?? path.join(path.dirname(options.logFile), 'hook_performance.pending');
  const sessionDir = path.join(stateDir, safeName(input.session_id ?? 'unknown'));
  const pendingFile = path.join(sessionDir, safeName(toolUseId));

  if (event === 'PreToolUse') {
    try {
      writeFileSync(pendingFile, String(now()), { flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return { status: 'started' };
      if (code !== 'ENOENT') throw error;
      sweepStaleSessions(stateDir, now(), options.staleAfterMs ?? 86_400_000);
      mkdirSync(sessionDir, { recursive: true });
      writeFileSync(pendingFile, String(now()), { flag: 'wx' });
    }
    return { status: 'started' };
  }
  if (!POST_EVENTS.has(event)) return { status: 'ignored' };

  const end = now();
  let startedAt: number | undefined;
  try {
    startedAt = Number(readFileSync(pendingFile, 'utf8'));
    unlinkSync(pendingFile);
  } catch {
    startedAt = undefined;
  }
  let duration = input.duration_ms;
  if (duration === undefined && startedAt !== undefined && Number.isFinite(startedAt)) duration = Math.max(0, end - startedAt);
  if (duration === undefined) return { status: 'unpaired' };
  const start = startedAt !== undefined && Number.isFinite(startedAt) ? startedAt : end - duration;
  const record: PerfRecord = {
    v: 1,
    ts: new Date(start).toISOString(),
    session_id: input.session_id ?? 'unknown',
    event,
    kind: 'tool',
    duration_ms: Math.round(duration * 100) / 100,
    outcome: event === 'PostToolUse' ? 'ok' : 'error',
    runner: 'single',
    ...(input.tool_name === undefined ? {} : { tool_name: input.tool_name }),
    tool_use_id: toolUseId,
  };
  appendJsonlSync(options.logFile, record);
  return { status: 'recorded', record };
}

/** Ids come from Claude Code, but a path must never be steered by input: odd ones are hashed. */
function safeName(id: string): string {
  if (/^[\w.-]{1,100}$/.test(id) && !id.startsWith('.')) return id;
  // Loaded only for odd ids: node:crypto costs a millisecond or two on a hook that runs twice per tool call.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(id).digest('hex').slice(0, 32);
}

function sweepStaleSessions(stateDir: string, now: number, staleAfterMs: number): void {
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(stateDir, name);
    try {
      if (now - statSync(dir).mtimeMs > staleAfterMs) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another hook swept it first.
    }
  }
}
