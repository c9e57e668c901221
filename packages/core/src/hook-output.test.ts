import { describe, expect, it } from 'vitest';
import { classifyHookResult, firstLine, hookEventOutputTraits, parseHookStdout } from './hook-output.js';
import type { HookResult } from './hook-output.js';

function result(partial: Partial<HookResult>): HookResult {
  return { exitCode: 0, stdout: '', stderr: '', durationMs: 3, timedOut: false, failedToStart: false, ...partial };
}

describe(parseHookStdout, () => {
  it.each([
    ['', ''],
    ['hello\n', 'hello\n'],
    ['[1, 2]', '[1, 2]'],
    ['{ not json', '{ not json'],
    ['text then {"continue": false}', 'text then {"continue": false}'],
  ])('reads %j as plain text', (stdout, text) => {
    expect(parseHookStdout(stdout)).toStrictEqual({ kind: 'text', text });
  });

  it('reads a JSON object after leading blank space, keeping unknown fields', () => {
    const stdout = '\n  {"continue": false, "stopReason": "no", "futureField": {"a": 1}}\n';
    expect(parseHookStdout(stdout)).toStrictEqual({
      kind: 'json',
      output: { continue: false, stopReason: 'no', futureField: { a: 1 } },
    });
  });

  it('accepts the async declaration', () => {
    expect(parseHookStdout('{"async": true, "asyncTimeout": 5000}')).toStrictEqual({
      kind: 'json',
      output: { async: true, asyncTimeout: 5000 },
    });
  });

  it.each([
    ['{"continue": "no"}', {}, 'continue: expected boolean, received string "no"'],
    ['{"decision": "deny"}', {}, 'decision: expected one of "approve", "block"'],
    ['{"hookSpecificOutput": {"additionalContext": "x"}}', {}, 'hookSpecificOutput.hookEventName: expected string'],
    ['{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "maybe"}}', {}, 'hookSpecificOutput.permissionDecision: expected one of'],
    ['{"hookSpecificOutput": {"hookEventName": "Stop", "additionalContext": "x"}}', { event: 'PreToolUse' }, 'hookSpecificOutput.hookEventName: expected "PreToolUse", received "Stop"'],
    ['{"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior": "maybe"}}}', { event: 'PermissionRequest' }, 'hookSpecificOutput.decision.behavior'],
    ['{"async": true, "asyncTimeout": "soon"}', {}, 'asyncTimeout: expected number'],
  ])('reports %s as schema-invalid', (stdout, options, error) => {
    const parsed = parseHookStdout(stdout, options);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.error).toContain(error);
  });

  it('checks hookEventName only when the event is given', () => {
    expect(parseHookStdout('{"hookSpecificOutput": {"hookEventName": "Stop"}}').kind).toBe('json');
  });
});

describe(classifyHookResult, () => {
  it.each([
    ['timeout first', result({ timedOut: true, exitCode: 0, stdout: '{}' }), { kind: 'timeout' }],
    ['failed to start', result({ failedToStart: true, exitCode: null, error: 'spawn ENOENT' }), { kind: 'failed-to-start', error: 'spawn ENOENT' }],
    ['failed to start, stderr only', result({ failedToStart: true, exitCode: 127, stderr: '\nsh: nope: not found\n' }), { kind: 'failed-to-start', error: 'sh: nope: not found' }],
    ['exit 2 ignores JSON on stdout', result({ exitCode: 2, stdout: '{"decision":"approve"}', stderr: 'no' }), { kind: 'exit-2', stderr: 'no' }],
    ['exit 1 does not read JSON', result({ exitCode: 1, stdout: '{"continue":false}', stderr: 'boom\nmore' }), { kind: 'error', message: 'failed with non-blocking status code 1: boom' }],
    ['exit 3 without stderr', result({ exitCode: 3 }), { kind: 'error', message: 'failed with non-blocking status code 3' }],
    ['killed by a signal', result({ exitCode: null, error: 'SIGKILL' }), { kind: 'error', message: 'was stopped (SIGKILL)' }],
    ['exit 0 JSON', result({ stdout: '{"systemMessage":"hi"}' }), { kind: 'json', output: { systemMessage: 'hi' } }],
    ['exit 0 text', result({ stdout: 'context' }), { kind: 'text', text: 'context' }],
  ])('classifies %s', (_label, input, expected) => {
    expect(classifyHookResult('PreToolUse', input)).toStrictEqual(expected);
  });

  it('turns schema-invalid JSON on exit 0 into a non-blocking error naming the field', () => {
    const outcome = classifyHookResult('PreToolUse', result({ stdout: '{"systemMessage": 5}' }));
    expect(outcome).toStrictEqual({
      kind: 'error',
      message: 'returned JSON that fails validation: systemMessage: expected string, received number 5',
    });
  });
});

describe(hookEventOutputTraits, () => {
  it.each([
    ['PreToolUse', { blockChannel: 'permission', blockEffect: 'deny-tool', exit2: 'block', stdoutIsContext: false }],
    ['PermissionRequest', { blockChannel: 'permission-request', blockEffect: 'deny-permission', exit2: 'block' }],
    ['UserPromptSubmit', { blockChannel: 'decision', blockEffect: 'erase-prompt', stdoutIsContext: true }],
    ['UserPromptExpansion', { blockChannel: 'decision', stdoutIsContext: true }],
    ['SessionStart', { blockChannel: 'none', exit2: 'user-error', stdoutIsContext: true, errorsShown: true }],
    ['Setup', { blockChannel: 'none', stdoutIsContext: false }],
    ['Stop', { blockChannel: 'decision', blockEffect: 'keep-going' }],
    ['PostToolUse', { blockChannel: 'decision', blockEffect: 'feedback' }],
    ['TeammateIdle', { blockChannel: 'exit-code', exit2: 'block' }],
    ['Notification', { blockChannel: 'none', exit2: 'user-error' }],
    ['PermissionDenied', { exit2: 'ignored', errorsShown: false }],
    ['StopFailure', { outputIgnored: true }],
    ['WorktreeCreate', { blockChannel: 'worktree', blockEffect: 'fail' }],
    ['BrandNewEvent', { blockChannel: 'decision', blockEffect: 'block', exit2: 'block', documented: false }],
  ])('describes %s', (event, expected) => {
    expect(hookEventOutputTraits(event)).toMatchObject(expected);
  });
});

describe(firstLine, () => {
  it('skips blank lines and trims', () => {
    expect(firstLine('\n\n  first \nsecond')).toBe('first');
    expect(firstLine(' \n ')).toBeUndefined();
  });
});
