import { describe, expect, it } from 'vitest';
import { WhiteboxError } from './errors.js';
import {
  SUBAGENT_MATCHER,
  SUBAGENT_TOOL_NAMES,
  compileMatcher,
  isSubagentTool,
  matchesHookInput,
  matchesTool,
} from './matcher.js';

describe(compileMatcher, () => {
  it.each([
    // Match-all forms.
    [undefined, 'Bash', 'PreToolUse', true],
    [null, '', 'PreToolUse', true],
    ['', 'Anything', 'PreToolUse', true],
    ['*', 'mcp__x__y', 'PreToolUse', true],
    // Exact names and lists: case-sensitive, whole-string.
    ['Bash', 'Bash', 'PreToolUse', true],
    ['Bash', 'bash', 'PreToolUse', false],
    ['Bash', 'BashOutput', 'PreToolUse', false],
    ['Task', 'TaskCreate', 'PreToolUse', false],
    ['Edit|Write', 'Write', 'PreToolUse', true],
    ['Edit|Write', 'NotebookEdit', 'PreToolUse', false],
    ['Edit, Write', 'Write', 'PreToolUse', true],
    ['Edit ,Write', 'Edit', 'PreToolUse', true],
    ['Edit, Write', 'Edit, Write', 'PreToolUse', false],
    ['code-reviewer', 'code-reviewer', 'SubagentStart', true],
    ['code-reviewer', 'senior-code-reviewer', 'SubagentStart', false],
    ['mcp__memory', 'mcp__memory__create_entities', 'PreToolUse', false],
    // Regular expressions: unanchored.
    ['Edit.*', 'NotebookEdit', 'PreToolUse', true],
    ['^Edit$', 'NotebookEdit', 'PreToolUse', false],
    ['^Notebook', 'NotebookEdit', 'PreToolUse', true],
    ['mcp__memory__.*', 'mcp__memory__create_entities', 'PreToolUse', true],
    ['mcp__memory__.*', 'mcp__github__search', 'PreToolUse', false],
    ['mcp__brave-search__.*', 'mcp__brave-search__web', 'PreToolUse', true],
    ['mcp__.*__write.*', 'mcp__fs__write_file', 'PreToolUse', true],
    ['^my-plugin:reviewer$', 'my-plugin:reviewer', 'SubagentStart', true],
    // FileChanged and StopFailure keep the narrow exact set: `-` and `,` make a regex there.
    ['rate_limit|overloaded', 'overloaded', 'StopFailure', true],
    ['a-b', 'xa-by', 'StopFailure', true],
    ['a-b', 'xa-by', 'PreToolUse', false],
    ['a,b', 'a', 'StopFailure', false],
    ['a,b', 'a', 'PreToolUse', true],
    // The sub-agent tool answers to both names on tool events only.
    ['Task', 'Agent', 'PreToolUse', true],
    ['Agent', 'Task', 'PostToolUse', true],
    ['Bash|Task', 'Agent', 'PermissionRequest', true],
    ['Task', 'Agent', 'SubagentStart', false],
  ] as const)('%j tested against %j on %s gives %s', (matcher, value, event, expected) => {
    expect(compileMatcher(matcher, { event })(value)).toBe(expected);
  });

  it('defaults to tool-event rules', () => {
    expect(compileMatcher('Task')('Agent')).toBe(true);
    expect(compileMatcher('a-b')('xa-by')).toBe(false);
  });

  it.each(['[', '(Bash', 'a{2,1}'])('names the invalid regular expression %j', (matcher) => {
    let error: unknown;
    try {
      compileMatcher(matcher);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WhiteboxError);
    expect((error as WhiteboxError).code).toBe('CONFIG_INVALID');
    expect((error as WhiteboxError).message).toContain(`Invalid hook matcher ${JSON.stringify(matcher)}`);
  });

  it('rejects a matcher that is not a string', () => {
    expect(() => compileMatcher(5 as unknown as string)).toThrow(new TypeError('Expected a hook matcher string, got number 5'));
  });

  it('gives the same answer on repeated calls', () => {
    const isEdit = compileMatcher('Edit.*');
    expect([isEdit('Edit'), isEdit('Edit'), isEdit('Read')]).toStrictEqual([true, true, false]);
  });
});

describe(matchesTool, () => {
  it('uses tool-name rules', () => {
    expect(matchesTool('Edit|Write', 'Write')).toBe(true);
    expect(matchesTool('Edit|Write', 'Read')).toBe(false);
    expect(matchesTool(undefined, 'Read')).toBe(true);
  });
});

describe('SUBAGENT_MATCHER', () => {
  it.each([
    ['Agent', true],
    ['Task', true],
    ['TaskCreate', false],
    ['Bash', false],
  ])('matches %s: %s', (tool, expected) => {
    expect(matchesTool(SUBAGENT_MATCHER, tool)).toBe(expected);
    expect(isSubagentTool(tool)).toBe(expected);
  });

  it('names both tools', () => {
    expect(SUBAGENT_TOOL_NAMES).toStrictEqual(['Agent', 'Task']);
  });
});

describe(matchesHookInput, () => {
  it.each([
    ['Bash', { hook_event_name: 'PreToolUse', tool_name: 'Bash' }, true],
    ['Bash', { hook_event_name: 'PreToolUse', tool_name: 'Read' }, false],
    ['Bash', { hook_event_name: 'PreToolUse' }, false],
    ['*', { hook_event_name: 'PreToolUse' }, true],
    ['startup', { hook_event_name: 'SessionStart', source: 'resume' }, false],
    ['startup|resume', { hook_event_name: 'SessionStart', source: 'resume' }, true],
    ['idle_prompt', { hook_event_name: 'Notification', notification_type: 'idle_prompt' }, true],
    ['manual', { hook_event_name: 'PreCompact', trigger: 'auto' }, false],
    ['general-purpose', { hook_event_name: 'SubagentStop', agent_type: 'general-purpose' }, true],
    ['.envrc', { hook_event_name: 'FileChanged', file_path: '/repo/.envrc' }, true],
    ['.envrc', { hook_event_name: 'FileChanged', file_path: '/repo/.envrc.bak' }, true],
    ['^\\.envrc$', { hook_event_name: 'FileChanged', file_path: '/repo/.envrc.bak' }, false],
    // Events without matcher support ignore the matcher.
    ['Bash', { hook_event_name: 'Stop', stop_hook_active: false }, true],
    ['nothing-matches', { hook_event_name: 'UserPromptSubmit', prompt: 'p' }, true],
    // Unknown events: the tool name when there is one, else the matcher is ignored.
    ['Bash', { hook_event_name: 'FutureToolEvent', tool_name: 'Read' }, false],
    ['Bash', { hook_event_name: 'FutureEvent' }, true],
  ])('%j on %j gives %s', (matcher, input, expected) => {
    expect(matchesHookInput(matcher, input)).toBe(expected);
  });
});
