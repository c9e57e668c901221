import { PERF_RECORD_VERSION } from '@whitebox/core';
import type { PerfRecord } from '@whitebox/core';
import { parseTimestamp } from './parse-timestamp.js';

/** Why {@link checkPerfRecord} rejected a value. */
export type PerfRecordProblem = 'unknown-version' | 'invalid';

const OUTCOMES = new Set(['ok', 'blocked', 'error', 'timeout']);
const RUNNERS = new Set(['single', 'executor-parallel', 'executor-server', 'import']);
const ISO_START = /^\d{4}-\d\d-\d\dT/;

/**
 * Core's `PerfRecordSchema`, checked by hand. A report reads up to millions of lines, and a zod
 * parse per line would cost more than the JSON parse itself; a test keeps the two in agreement.
 *
 * @param parsed - Receives the record's start time in epoch ms, so a caller that needs it does
 * not parse `ts` twice (a report checks up to millions of records).
 * @returns The record, or why it was rejected: another format version, or not a record.
 */
export function checkPerfRecord(value: unknown, parsed?: { start: number }): PerfRecord | PerfRecordProblem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid';
  const r = value as Record<string, unknown>;
  if (r['v'] !== PERF_RECORD_VERSION) return typeof r['v'] === 'number' ? 'unknown-version' : 'invalid';
  const ts = r['ts'];
  const duration = r['duration_ms'];
  const start = typeof ts === 'string' && ISO_START.test(ts) ? parseTimestamp(ts) : NaN;
  if (
    !Number.isFinite(start) ||
    typeof r['session_id'] !== 'string' ||
    typeof r['event'] !== 'string' ||
    (r['kind'] !== 'hook' && r['kind'] !== 'tool') ||
    typeof duration !== 'number' ||
    !Number.isFinite(duration) ||
    duration < 0 ||
    !OUTCOMES.has(r['outcome'] as string) ||
    !RUNNERS.has(r['runner'] as string) ||
    !optionalString(r['hook']) ||
    !optionalString(r['tool_name']) ||
    !optionalString(r['tool_use_id']) ||
    !optionalString(r['key'])
  ) {
    return 'invalid';
  }
  const exit = r['exit_code'];
  if (exit !== undefined && exit !== null && !Number.isInteger(exit)) return 'invalid';
  if (parsed !== undefined) parsed.start = start;
  return value as PerfRecord;
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}
