import { appendPerfRecords, PERF_RECORD_VERSION } from '@whitebox/core';
import type { PerfRecord, PerfRunner } from '@whitebox/core';
import type { ExecuteEventResult } from './execute-event.js';

/**
 * One timing record per hook that ran (or was due and never started before the deadline), in
 * core's `hook_performance.jsonl` format. Holds names, ids, timings and outcomes only: never the
 * prompt, the tool input or a hook's output.
 */
export function hookPerfRecords(
  result: ExecuteEventResult,
  context: { readonly input: Readonly<Record<string, unknown>>; readonly runner: PerfRunner },
): PerfRecord[] {
  const sessionId = typeof context.input['session_id'] === 'string' ? context.input['session_id'] : 'unknown';
  const toolName = context.input['tool_name'];
  const toolUseId = context.input['tool_use_id'];
  return result.hooks
    .filter((run) => run.status !== 'cancelled')
    .map((run) => ({
      v: PERF_RECORD_VERSION,
      ts: new Date(run.outcome.startedAtEpochMs).toISOString(),
      session_id: sessionId,
      event: result.event,
      kind: 'hook' as const,
      hook: run.id,
      duration_ms: Math.round(run.outcome.durationMs * 10) / 10,
      outcome: run.perfOutcome,
      runner: context.runner,
      ...(typeof toolName === 'string' && { tool_name: toolName }),
      ...(typeof toolUseId === 'string' && { tool_use_id: toolUseId }),
      exit_code: run.outcome.exitCode,
    }));
}

/**
 * Appends the records in one write, and never throws: a timing log that cannot be written must not
 * break the hook. Returns the problem, if any, for a debug line.
 */
export function recordHookTimings(file: string, records: readonly PerfRecord[]): string | undefined {
  if (records.length === 0) return undefined;
  try {
    // hookPerfRecords builds them from typed values (and a test checks them against the schema).
    appendPerfRecords(file, records, { validate: false });
    return undefined;
  } catch (error) {
    return `hook-executor: could not record hook timings in ${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
