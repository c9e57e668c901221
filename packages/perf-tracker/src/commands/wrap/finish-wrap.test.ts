import { describe, expect, it } from 'vitest';
import { outcomeOf, stdoutBlocks } from './finish-wrap.js';

const run = (over: Partial<Parameters<typeof outcomeOf>[0]>) => outcomeOf({ code: 0, signal: null, forwarded: undefined, stdout: Buffer.alloc(0), ...over });

describe(outcomeOf, () => {
  it('reads exit codes as Claude Code does', () => {
    expect(run({ code: 0 })).toBe('ok');
    expect(run({ code: 2 })).toBe('blocked');
    expect(run({ code: 1 })).toBe('error');
    expect(run({ code: 127 })).toBe('error');
  });

  it('calls a run cancelled by a forwarded signal a timeout, and any other death by signal an error', () => {
    expect(run({ code: null, signal: 'SIGTERM', forwarded: 'SIGTERM' })).toBe('timeout');
    expect(run({ code: 0, forwarded: 'SIGTERM' })).toBe('timeout');
    expect(run({ code: null, signal: 'SIGSEGV' })).toBe('error');
  });

  it('counts a JSON block on exit 0 as blocked, unless stdout was too long to inspect', () => {
    const block = Buffer.from('{"decision":"block","reason":"no"}');
    expect(run({ stdout: block })).toBe('blocked');
    expect(run({ stdout: undefined })).toBe('ok');
  });
});

describe(stdoutBlocks, () => {
  it('recognises every blocking JSON form', () => {
    for (const json of [
      { decision: 'block' },
      { continue: false },
      { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny' } },
      { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny' } } },
    ]) {
      expect(stdoutBlocks(Buffer.from(`  ${JSON.stringify(json)}\n`))).toBe(true);
    }
  });

  it('leaves allows, plain text and broken JSON alone', () => {
    for (const text of ['{"hookSpecificOutput":{"permissionDecision":"allow"}}', '{"continue":true}', 'block', '{"decision":', '', 'null', '{"hookSpecificOutput":null}']) {
      expect(stdoutBlocks(Buffer.from(text))).toBe(false);
    }
  });
});
