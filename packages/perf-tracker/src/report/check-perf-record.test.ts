import { describe, expect, it } from 'vitest';
import { PerfRecordSchema } from '@whitebox/core';
import { checkPerfRecord } from './check-perf-record.js';

const good = {
  v: 1,
  ts: '2026-11-27T10:00:00.000Z',
  session_id: 's',
  event: 'PreToolUse',
  kind: 'hook',
  hook: 'lint',
  duration_ms: 12.5,
  outcome: 'ok',
  runner: 'single',
  tool_name: 'Bash',
  tool_use_id: 'toolu_1',
  exit_code: 0,
  key: 'k',
};

const samples: [string, unknown][] = [
  ['a full record', good],
  ['a minimal tool record', { v: 1, ts: '2026-11-27T10:00:00+02:00', session_id: '', event: 'PostToolUse', kind: 'tool', duration_ms: 0, outcome: 'error', runner: 'import' }],
  ['a null exit code', { ...good, exit_code: null }],
  ['unknown extra fields', { ...good, future_field: [1, 2] }],
  ['a bad kind', { ...good, kind: 'agent' }],
  ['a negative duration', { ...good, duration_ms: -1 }],
  ['a string duration', { ...good, duration_ms: '12' }],
  ['a bad outcome', { ...good, outcome: 'maybe' }],
  ['a bad runner', { ...good, runner: 'cron' }],
  ['a missing session', { ...good, session_id: undefined }],
  ['a non-numeric hook id', { ...good, hook: 5 }],
  ['a fractional exit code', { ...good, exit_code: 1.5 }],
  ['a date that is not ISO', { ...good, ts: 'Nov 27 2026' }],
  ['an impossible date', { ...good, ts: '2026-13-45T99:00:00Z' }],
  ['an array', [good]],
  ['null', null],
];

describe(checkPerfRecord, () => {
  it.each(samples)('agrees with core’s PerfRecordSchema on %s', (_, value) => {
    const ours = checkPerfRecord(value);
    expect(typeof ours === 'object').toBe(PerfRecordSchema.safeParse(value).success);
  });

  it('tells another format version apart from garbage', () => {
    expect(checkPerfRecord({ ...good, v: 2 })).toBe('unknown-version');
    expect(checkPerfRecord({ ...good, v: '1' })).toBe('invalid');
    expect(checkPerfRecord({ ...good, v: undefined })).toBe('invalid');
  });
});
