import type { HookEvent } from '@anthropic-ai/claude-agent-sdk';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { WhiteboxError } from './errors.js';
import {
  HOOK_EVENT_NAMES,
  HOOK_MATCHER_FIELDS,
  TOOL_EVENT_NAMES,
  isHookInputFor,
  isToolEvent,
  matchValueFor,
  matcherFieldFor,
  parseHookInput,
} from './hook-input.js';
import type { PreToolUseHookInput } from './hook-input.js';

// CI clones the repository next to `shared/`, so the fixtures live at <repo root>/../shared.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixturesDir = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'claude-code-2.1.332');

function realHookInputs(): { name: string; text: string }[] {
  if (!existsSync(fixturesDir)) {
    throw new Error(
      `Real Claude Code hook inputs not found at ${fixturesDir}. ` +
        'The tests expect the shared/ folder beside the repository clone (<repo root>/../shared).',
    );
  }
  const files = readdirSync(fixturesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((scenario) => {
      const dir = path.join(fixturesDir, scenario.name, 'hook-inputs');
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((file) => file.endsWith('.json'))
        .map((file) => ({ name: `${scenario.name}/${file}`, text: readFileSync(path.join(dir, file), 'utf8') }));
    });
  if (files.length === 0) throw new Error(`No */hook-inputs/*.json files under ${fixturesDir}`);
  return files;
}

const base = {
  session_id: 's-1',
  transcript_path: '/home/dev/.claude/projects/p/s-1.jsonl',
  cwd: '/home/dev/project',
};

function captureError(fn: () => unknown): WhiteboxError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WhiteboxError) return error;
    throw error;
  }
  throw new Error('expected a WhiteboxError');
}

describe(parseHookInput, () => {
  describe('on every real Claude Code 2.1.332 input', () => {
    const inputs = realHookInputs();

    it('finds the captured inputs', () => {
      expect(inputs.length).toBeGreaterThanOrEqual(38);
    });

    it.each(inputs)('accepts $name and returns it untouched', ({ name, text }) => {
      const event = /(PreToolUse|PostToolUse|PostToolBatch|UserPromptSubmit|SubagentStart|SubagentStop|Stop)/.exec(name)?.[1];
      const parsed = parseHookInput(text, { event: event as HookEvent });
      expect(parsed).toStrictEqual(JSON.parse(text));
      expect(parsed.hook_event_name).toBe(event);
    });
  });

  it('accepts bytes as well as text', () => {
    const json = JSON.stringify({ ...base, hook_event_name: 'UserPromptSubmit', prompt: 'hi' });
    expect(parseHookInput(new TextEncoder().encode(json))).toStrictEqual(JSON.parse(json));
  });

  it('returns an already-parsed object itself, unknown fields included', () => {
    const raw = { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls', x: [1] }, tool_use_id: 't', future_field: { a: 1 } };
    expect(parseHookInput(raw)).toBe(raw);
  });

  it('lets an unknown event through with only the common fields checked', () => {
    const raw = { ...base, hook_event_name: 'SomethingNew', anything: 42 };
    expect(parseHookInput(JSON.stringify(raw))).toStrictEqual(raw);
    expect(() => parseHookInput({ ...raw, cwd: 7 })).toThrow(/cwd: expected string, received number 7/);
  });

  it('does not check enumerations, so new values from a newer Claude Code pass', () => {
    const raw = { ...base, hook_event_name: 'SessionStart', source: 'teleport' };
    expect(parseHookInput(raw)).toBe(raw);
  });

  it.each([
    ['', /stdin is empty/],
    ['  \n', /stdin is empty/],
    ['{"session_id": ', /stdin is not JSON .*received string "\{\\"session_id\\": "/],
    ['hello', /stdin is not JSON/],
  ])('reports bad stdin %j clearly', (stdin, message) => {
    const error = captureError(() => parseHookInput(stdin));
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['[]', 'an array of 0'],
    ['null', 'null'],
    ['3', 'number 3'],
    ['"text"', 'string "text"'],
  ])('rejects the JSON value %s, which is not an object', (stdin, received) => {
    expect(() => parseHookInput(stdin)).toThrow(`expected a JSON object from Claude Code, received ${received}`);
  });

  it.each([
    ['session_id', { session_id: undefined, hook_event_name: 'UserPromptSubmit', prompt: 'p' }, 'session_id: expected string, received nothing (the field is missing)'],
    ['hook_event_name', { prompt: 'p' }, 'hook_event_name: expected string, received nothing'],
    ['PreToolUse tool_name', { hook_event_name: 'PreToolUse', tool_name: 42, tool_input: {}, tool_use_id: 't' }, 'tool_name: expected string, received number 42'],
    ['PreToolUse tool_use_id', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} }, 'tool_use_id: expected string'],
    ['PreToolUse tool_input', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: 'ls', tool_use_id: 't' }, 'tool_input: expected object, received string "ls"'],
    ['PostToolUse duration_ms', { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: {}, tool_use_id: 't', duration_ms: '5' }, 'duration_ms: expected number'],
    ['PostToolBatch tool_calls[1]', { hook_event_name: 'PostToolBatch', tool_calls: [{ tool_name: 'A', tool_use_id: 'a' }, { tool_name: 'B' }] }, 'tool_calls[1].tool_use_id: expected string'],
    ['Stop stop_hook_active', { hook_event_name: 'Stop', stop_hook_active: 'no' }, 'stop_hook_active: expected boolean, received string "no"'],
    ['SubagentStop agent_id', { hook_event_name: 'SubagentStop', stop_hook_active: false, agent_type: 'x', agent_transcript_path: 'p' }, 'agent_id: expected string'],
    ['SessionStart source', { hook_event_name: 'SessionStart' }, 'source: expected string'],
    ['Notification notification_type', { hook_event_name: 'Notification', message: 'm' }, 'notification_type: expected string'],
    ['UserPromptSubmit prompt', { hook_event_name: 'UserPromptSubmit', prompt: null }, 'prompt: expected string, received null'],
    ['effort.level', { hook_event_name: 'UserPromptSubmit', prompt: 'p', effort: { level: 3 } }, 'effort.level: expected string'],
  ])('names the field and what it received when %s is wrong', (_label, fields, message) => {
    // JSON.stringify drops the `undefined` fields, which is how a row removes a common field.
    const raw = { ...base, ...fields };
    const error = captureError(() => parseHookInput(JSON.stringify(raw)));
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toContain(message);
  });

  it('rejects an input for another event than the one expected', () => {
    const raw = { ...base, hook_event_name: 'Stop', stop_hook_active: false };
    expect(() => parseHookInput(raw, { event: 'PreToolUse' })).toThrow(
      'hook_event_name must be "PreToolUse", received string "Stop"',
    );
  });

  it('narrows the type when the event is given', () => {
    const raw = { ...base, hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: {}, tool_use_id: 't' };
    const input = parseHookInput(raw, { event: 'PreToolUse' });
    expectTypeOf(input).toEqualTypeOf<PreToolUseHookInput>();
    expect(input.tool_name).toBe('Agent');
  });

  it('rejects an options.event that is not a string', () => {
    expect(() => parseHookInput('{}', { event: 5 as unknown as string })).toThrow(TypeError);
    expect(() => parseHookInput('{}', { event: 5 as unknown as string })).toThrow('got number 5');
  });
});

describe('HOOK_EVENT_NAMES', () => {
  it('is exactly the SDK HookEvent union', () => {
    expectTypeOf<(typeof HOOK_EVENT_NAMES)[number]>().toEqualTypeOf<HookEvent>();
    expect(new Set(HOOK_EVENT_NAMES).size).toBe(HOOK_EVENT_NAMES.length);
    expect(new Set(Object.keys(HOOK_MATCHER_FIELDS))).toStrictEqual(new Set(HOOK_EVENT_NAMES));
  });
});

describe(isToolEvent, () => {
  it.each([...TOOL_EVENT_NAMES])('says %s is a tool event', (event) => {
    expect(isToolEvent(event)).toBe(true);
  });

  it.each(['PostToolBatch', 'UserPromptSubmit', 'SubagentStart', 'Stop', 'Nope'])('says %s is not', (event) => {
    expect(isToolEvent(event)).toBe(false);
  });
});

describe(matcherFieldFor, () => {
  it.each([
    ['PreToolUse', 'tool_name'],
    ['PermissionRequest', 'tool_name'],
    ['SessionStart', 'source'],
    ['SessionEnd', 'reason'],
    ['Notification', 'notification_type'],
    ['PreCompact', 'trigger'],
    ['Setup', 'trigger'],
    ['SubagentStart', 'agent_type'],
    ['SubagentStop', 'agent_type'],
    ['StopFailure', 'error'],
    ['ConfigChange', 'source'],
    ['InstructionsLoaded', 'load_reason'],
    ['UserPromptExpansion', 'command_name'],
    ['Elicitation', 'mcp_server_name'],
    ['UserPromptSubmit', null],
    ['Stop', null],
    ['PostToolBatch', null],
    ['CwdChanged', null],
    ['Unheard', undefined],
  ])('gives %s → %s', (event, field) => {
    expect(matcherFieldFor(event)).toBe(field);
  });
});

describe(matchValueFor, () => {
  it.each([
    [{ hook_event_name: 'PreToolUse', tool_name: 'Bash' }, 'Bash'],
    [{ hook_event_name: 'SessionStart', source: 'resume' }, 'resume'],
    [{ hook_event_name: 'Notification', notification_type: 'idle_prompt' }, 'idle_prompt'],
    [{ hook_event_name: 'FileChanged', file_path: '/repo/.envrc' }, '.envrc'],
    [{ hook_event_name: 'FileChanged', file_path: 'C:\\repo\\.env' }, '.env'],
    [{ hook_event_name: 'Stop', tool_name: 'Bash' }, undefined],
    [{ hook_event_name: 'PreToolUse' }, undefined],
    [{ hook_event_name: 'FutureToolEvent', tool_name: 'Read' }, 'Read'],
    [{ hook_event_name: 'FutureEvent', source: 'x' }, undefined],
  ])('reads %j as %s', (input, value) => {
    expect(matchValueFor(input)).toBe(value);
  });
});

describe(isHookInputFor, () => {
  it('tells the event apart', () => {
    const input = { ...base, hook_event_name: 'Stop', stop_hook_active: false };
    expect(isHookInputFor(input, 'Stop')).toBe(true);
    expect(isHookInputFor(input, 'PreToolUse')).toBe(false);
  });
});
