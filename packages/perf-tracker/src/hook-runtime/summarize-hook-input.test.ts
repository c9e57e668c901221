import { describe, expect, it } from 'vitest';
import { summarizeHookInput } from './summarize-hook-input.js';

const input = {
  session_id: 'sess-1',
  transcript_path: '/home/dev/.claude/projects/p/sess-1.jsonl',
  cwd: '/home/dev/project',
  hook_event_name: 'PostToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'echo SECRET-TOKEN', hook_event_name: 'Forged', session_id: 'forged' },
  tool_response: { stdout: 'SECRET-TOKEN' },
  tool_use_id: 'toolu_01',
  duration_ms: 25,
};

describe(summarizeHookInput, () => {
  it('keeps only the session, event, tool name, tool call id and duration', () => {
    const summary = summarizeHookInput(JSON.stringify(input), true);
    expect(summary).toEqual({ session_id: 'sess-1', event: 'PostToolUse', tool_name: 'Bash', tool_use_id: 'toolu_01', duration_ms: 25 });
    expect(JSON.stringify(summary)).not.toContain('SECRET');
  });

  it('reads a capped prefix, ignoring look-alike fields inside tool_input', () => {
    const text = JSON.stringify(input);
    const prefix = text.slice(0, text.indexOf('SECRET') + 3);
    expect(summarizeHookInput(prefix, false)).toEqual({ session_id: 'sess-1', event: 'PostToolUse', tool_name: 'Bash' });
  });

  it('falls back to scanning when the input is not valid JSON', () => {
    expect(summarizeHookInput('{"session_id":"a\\"b","hook_event_name":"Stop", garbage', true)).toEqual({ session_id: 'a"b', event: 'Stop' });
  });

  it('returns nothing for empty, non-object or odd inputs', () => {
    expect(summarizeHookInput('', true)).toEqual({});
    expect(summarizeHookInput('[1,2]', true)).toEqual({});
    expect(summarizeHookInput(Buffer.from([0xff, 0xfe, 0x00]), true)).toEqual({});
    expect(summarizeHookInput(JSON.stringify({ session_id: 42, hook_event_name: '', duration_ms: -1 }), true)).toEqual({});
    expect(summarizeHookInput(JSON.stringify({ session_id: 'x'.repeat(500) }), true)).toEqual({});
  });

  it('notes an interrupted tool call', () => {
    expect(summarizeHookInput(JSON.stringify({ hook_event_name: 'PostToolUseFailure', is_interrupt: true }), true)).toEqual({
      event: 'PostToolUseFailure',
      is_interrupt: true,
    });
  });
});
