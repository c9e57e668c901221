import { describe, expect, it } from 'vitest';
import { hookIdForCommand, PERF_LOG_RELATIVE_PATH, perfLogPath } from '@whitebox/core';
import { commandHookId } from './command-hook-id.js';
import { PERF_LOG_FILE, resolvePerfLog } from './resolve-perf-log.js';

describe(commandHookId, () => {
  it('matches core’s hookIdForCommand, which hook-executor uses', () => {
    for (const command of ['node ~/.claude/hooks/lint.js', '', 'a && b', 'ünïcode ✓']) {
      expect(commandHookId(command)).toBe(hookIdForCommand(command));
    }
  });
});

describe(resolvePerfLog, () => {
  it('uses core’s log location', () => {
    expect(PERF_LOG_FILE).toBe(PERF_LOG_RELATIVE_PATH);
    expect(resolvePerfLog({ projectDir: '/p', env: {} })).toBe(perfLogPath('/p'));
  });

  it('prefers --log, then --project-dir, then CLAUDE_PROJECT_DIR, then the cwd', () => {
    const env = { CLAUDE_PROJECT_DIR: '/from-env' };
    expect(resolvePerfLog({ log: 'x.jsonl', projectDir: '/p', env, cwd: '/cwd' })).toBe('/cwd/x.jsonl');
    expect(resolvePerfLog({ projectDir: 'rel', env, cwd: '/cwd' })).toBe(`/cwd/rel/${PERF_LOG_FILE}`);
    expect(resolvePerfLog({ env, cwd: '/cwd' })).toBe(`/from-env/${PERF_LOG_FILE}`);
    expect(resolvePerfLog({ env: {}, cwd: '/cwd' })).toBe(`/cwd/${PERF_LOG_FILE}`);
    expect(resolvePerfLog({ log: '', env: {}, cwd: '/cwd' })).toBe(`/cwd/${PERF_LOG_FILE}`);
  });
});
