import { describe, expect, it } from 'vitest';
import { mergeHookResults } from '@whitebox/core';
import type { HookResult } from '@whitebox/core';
import { httpReply } from './http-reply.js';

const result = (extra: Partial<HookResult>): HookResult => ({ exitCode: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, failedToStart: false, ...extra });

describe(httpReply, () => {
  it('sends the merged JSON as is', () => {
    const merged = mergeHookResults('PreToolUse', [result({ exitCode: 2, stderr: 'no' })]);
    expect(httpReply(merged)).toEqual({
      status: 200,
      body: { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'no' } },
    });
  });

  it('turns a block that exists only as exit 2 into a JSON decision', () => {
    const merged = mergeHookResults('TeammateIdle', [result({ exitCode: 2, stderr: 'keep working' })]);
    expect(merged.exitCode).toBe(2);
    expect(httpReply(merged)).toEqual({ status: 200, body: { decision: 'block', reason: 'keep working' } });
  });

  it('turns plain context into additionalContext, and no output into an empty object', () => {
    expect(httpReply(mergeHookResults('SessionStart', [result({ stdout: 'hello\n' })])).body).toEqual({
      hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'hello' },
    });
    expect(httpReply(mergeHookResults('Stop', [result({})]))).toEqual({ status: 200, body: {} });
  });

  it('sends a non-blocking error as a systemMessage, so onFailure settings do not turn it into a block', () => {
    expect(httpReply(mergeHookResults('Stop', [result({ id: 'x', exitCode: 1, stderr: 'oops' })]))).toEqual({
      status: 200,
      body: { systemMessage: 'Hook x failed with non-blocking status code 1: oops' },
    });
  });

  it('answers a WorktreeCreate path as worktreePath, and its failure as a 500', () => {
    expect(httpReply(mergeHookResults('WorktreeCreate', [result({ stdout: '/tmp/wt\n' })])).body).toEqual({
      hookSpecificOutput: { hookEventName: 'WorktreeCreate', worktreePath: '/tmp/wt' },
    });
    expect(httpReply(mergeHookResults('WorktreeCreate', [result({ exitCode: 1, stderr: 'no space' })])).status).toBe(500);
  });
});
