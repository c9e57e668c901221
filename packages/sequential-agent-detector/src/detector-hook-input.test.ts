import { describe, expect, it } from 'vitest';
import { capturedInputs } from '../test-fixtures/helpers.js';
import { readDetectorHookInput } from './detector-hook-input.js';

describe(readDetectorHookInput, () => {
  it('reads every captured Claude Code 2.1.332 input', () => {
    for (const scenario of ['parallel-agents', 'sequential-agents', 'parallel-agents-background', 'bash-hooks']) {
      for (const captured of capturedInputs(scenario)) {
        const input = readDetectorHookInput(captured.text);
        expect(input.event).toBe(captured.event);
        expect(input.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
  });

  it('reads a PostToolBatch’s calls and a sub-agent hook’s agent_id', () => {
    const batch = capturedInputs('sequential-agents').find((c) => c.event === 'PostToolBatch')!;
    expect(readDetectorHookInput(batch.text).toolCalls).toEqual([expect.objectContaining({ toolName: 'Agent', toolUseId: 'toolu_fake_main_t0_0_1' })]);
    const inside = readDetectorHookInput(JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', agent_id: 'a1', tool_name: 'Agent', tool_use_id: 't' }));
    expect(inside).toMatchObject({ agentId: 'a1', promptId: undefined, transcriptPath: undefined });
  });

  it.each([
    ['', 'stdin is empty'],
    ['nope', 'stdin is not JSON'],
    ['[1]', 'expected a JSON object, received an array'],
    ['{"session_id":"s"}', 'hook_event_name must be a non-empty string, received nothing'],
    ['{"hook_event_name":"PreToolUse","session_id":7}', 'session_id must be a non-empty string, received 7'],
    ['{"hook_event_name":"PostToolBatch","session_id":"s","tool_calls":{}}', 'tool_calls must be an array'],
    ['{"hook_event_name":"PostToolBatch","session_id":"s","tool_calls":[{"tool_name":"Agent"}]}', 'tool_calls[0].tool_use_id must be a non-empty string'],
    ['{"hook_event_name":"PreToolUse","session_id":"s","agent_id":5}', 'agent_id must be a string, received number'],
  ])('rejects %s naming the field', (text, message) => {
    expect(() => readDetectorHookInput(text)).toThrow(message);
  });
});
