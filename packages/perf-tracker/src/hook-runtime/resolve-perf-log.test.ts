import { describe, expect, it } from 'vitest';
import { PERF_LOG_RELATIVE_PATH, perfLogPath } from '@whitebox/core';
import { resolvePerfLog } from './resolve-perf-log.js';

describe(resolvePerfLog, () => {
  it('uses core’s log location', () => {
    expect(resolvePerfLog({ projectDir: '/p', env: {} })).toBe(perfLogPath('/p'));
  });

  it('prefers --log, then --project-dir, then CLAUDE_PROJECT_DIR, then the cwd', () => {
    const env = { CLAUDE_PROJECT_DIR: '/from-env' };
    expect(resolvePerfLog({ log: 'x.jsonl', projectDir: '/p', env, cwd: '/cwd' })).toBe('/cwd/x.jsonl');
    expect(resolvePerfLog({ projectDir: 'rel', env, cwd: '/cwd' })).toBe(`/cwd/rel/${PERF_LOG_RELATIVE_PATH}`);
    expect(resolvePerfLog({ env, cwd: '/cwd' })).toBe(`/from-env/${PERF_LOG_RELATIVE_PATH}`);
    expect(resolvePerfLog({ env: {}, cwd: '/cwd' })).toBe(`/cwd/${PERF_LOG_RELATIVE_PATH}`);
    expect(resolvePerfLog({ log: '', env: {}, cwd: '/cwd' })).toBe(`/cwd/${PERF_LOG_RELATIVE_PATH}`);
  });
});
