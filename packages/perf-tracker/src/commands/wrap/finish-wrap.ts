import type { PerfOutcome, PerfRecord } from '@whitebox/core';
import { appendJsonlSync, hookIdForCommand } from '@whitebox/core';
import { resolvePerfLog } from '../../hook-runtime/resolve-perf-log.js';
import { summarizeHookInput } from '../../hook-runtime/summarize-hook-input.js';
import type { WrapArgs } from './parse-wrap-args.js';

/** How a wrapped command ended, as `wrapMain` saw it. */
export interface WrappedRun {
  readonly args: WrapArgs;
  /** Start, epoch ms. */
  readonly ts: number;
  readonly durationMs: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The command could not be started at all. */
  readonly spawnError: NodeJS.ErrnoException | undefined;
  /** A signal this process received and passed on to the command. */
  readonly forwarded: NodeJS.Signals | undefined;
  /** The first part of stdin. */
  readonly stdin: Buffer;
  /** Whether `stdin` is all of it. */
  readonly stdinComplete: boolean;
  /** All of stdout, or `undefined` when it was too long to keep. */
  readonly stdout: Buffer | undefined;
}

/**
 * Appends the record of a wrapped run and works out how to exit: with the command's code, or by
 * the signal that killed it. A failure to record is silent (set `PERF_TRACKER_DEBUG=1` to see it),
 * because stderr text reaches the model when a hook blocks.
 */
export async function finishWrap(run: WrappedRun): Promise<number> {
  const { args, signal, spawnError } = run;
  let exitCode = run.code ?? 1;
  if (spawnError !== undefined) {
    exitCode = spawnError.code === 'ENOENT' ? 127 : 126;
    process.stderr.write(`perf-tracker wrap: cannot run ${JSON.stringify(args.command[0])}: ${spawnError.message}\n`);
  }
  const summary = summarizeHookInput(run.stdin, run.stdinComplete);
  const record: PerfRecord = {
    v: 1,
    ts: new Date(run.ts).toISOString(),
    session_id: summary.session_id ?? 'unknown',
    event: summary.event ?? args.event ?? 'unknown',
    kind: 'hook',
    // node:crypto costs a millisecond or two to load; a hook with an --id never needs it.
    hook: args.id ?? hookIdForCommand(args.command.join(' ')),
    duration_ms: Math.round(run.durationMs * 100) / 100,
    outcome: outcomeOf({ code: exitCode, signal, forwarded: run.forwarded, stdout: run.stdout }),
    runner: 'single',
    ...(summary.tool_name === undefined ? {} : { tool_name: summary.tool_name }),
    ...(summary.tool_use_id === undefined ? {} : { tool_use_id: summary.tool_use_id }),
    exit_code: signal === null ? exitCode : null,
  };
  try {
    appendJsonlSync(resolvePerfLog({ log: args.log, projectDir: args.projectDir }), record);
  } catch (error) {
    if (process.env['PERF_TRACKER_DEBUG']) process.stderr.write(`perf-tracker wrap: could not record: ${(error as Error).message}\n`);
  }
  return signal === null ? exitCode : dieLike(signal);
}

/** Classifies a finished hook the way Claude Code would read it. */
export function outcomeOf(run: {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly forwarded: NodeJS.Signals | undefined;
  readonly stdout: Buffer | undefined;
}): PerfOutcome {
  // A runner only signals a hook to cancel it, and Claude Code cancels on timeout.
  if (run.forwarded !== undefined) return 'timeout';
  if (run.signal !== null) return 'error';
  if (run.code === 2) return 'blocked';
  if (run.code !== 0) return 'error';
  return run.stdout !== undefined && stdoutBlocks(run.stdout) ? 'blocked' : 'ok';
}

/** True when a hook's JSON output blocks or denies (`decision: "block"`, a deny, `continue: false`). */
export function stdoutBlocks(stdout: Buffer): boolean {
  const text = stdout.toString('utf8').trim();
  if (!text.startsWith('{')) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null) return false;
  const output = value as Record<string, unknown>;
  if (output['decision'] === 'block' || output['continue'] === false) return true;
  const specific = output['hookSpecificOutput'];
  if (typeof specific !== 'object' || specific === null) return false;
  const s = specific as Record<string, unknown>;
  if (s['permissionDecision'] === 'deny') return true;
  const decision = s['decision'];
  return typeof decision === 'object' && decision !== null && (decision as Record<string, unknown>)['behavior'] === 'deny';
}

/** Ends this process by `signal`, as the child ended, so the caller sees the same wait status. */
async function dieLike(signal: NodeJS.Signals): Promise<number> {
  process.kill(process.pid, signal);
  // Still here: the signal is one whose default action does not terminate; use the shell's code.
  const { constants } = await import('node:os');
  return new Promise((resolve) => setImmediate(() => resolve(128 + (constants.signals[signal] ?? 0))));
}
