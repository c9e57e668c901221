import { describe, expect, it } from 'vitest';
import { isExecutorEntry, planInstall, unionMatcher } from './install-plan.js';

describe(unionMatcher, () => {
  it('joins exact names, and matches everything when a hook does', () => {
    expect(unionMatcher('PreToolUse', [{ matcher: 'Bash' }, { matcher: 'Edit|Write' }, { matcher: 'Bash' }])).toBe('Bash|Edit|Write');
    expect(unionMatcher('PreToolUse', [{ matcher: 'Bash' }, {}])).toBeUndefined();
    expect(unionMatcher('PreToolUse', [{ matcher: '*' }])).toBeUndefined();
  });

  it('builds a regex that selects a superset when any matcher is a regex', () => {
    const union = unionMatcher('PreToolUse', [{ matcher: 'Bash' }, { matcher: 'mcp__github__.*' }]) as string;
    expect(union).toBe('Bash|(?:mcp__github__.*)');
    const re = new RegExp(union);
    expect(['Bash', 'mcp__github__search'].every((name) => re.test(name))).toBe(true);
  });

  it('has no matcher on events without matchers', () => {
    expect(unionMatcher('UserPromptSubmit', [{ matcher: 'x' }])).toBeUndefined();
  });
});

describe(isExecutorEntry, () => {
  it('recognises its own command and http entries, whatever the path to the bin', () => {
    expect(isExecutorEntry({ type: 'command', command: 'hook-executor run --event Stop' })).toBe(true);
    expect(isExecutorEntry({ type: 'command', command: 'node /x/bin/hook-executor.js run --event=Stop --config c' })).toBe(true);
    expect(isExecutorEntry({ type: 'http', url: 'http://127.0.0.1:47433/hooks/Stop', headers: { Authorization: 'Bearer $HOOK_EXECUTOR_TOKEN' } })).toBe(true);
    expect(isExecutorEntry({ type: 'command', command: 'echo hook-executor' })).toBe(false);
    expect(isExecutorEntry({ type: 'http', url: 'http://other/hooks/Stop' })).toBe(false);
  });
});

describe(planInstall, () => {
  it('names moved hooks after their script, skipping interpreters, and keeps ids unique', () => {
    const plan = planInstall({
      settings: {
        hooks: {
          Stop: [
            {
              hooks: [
                { type: 'command', command: 'node ./scripts/check-tests.mjs --fast' },
                { type: 'command', command: 'python3 check-tests.py' },
                { type: 'command', command: 'uvx', args: ['ruff', 'check'] },
              ],
            },
          ],
        },
      },
      settingsLabel: '.claude/settings.json',
      executorConfig: { events: {} },
      mode: 'command',
      bin: 'hook-executor',
      port: 47433,
    });
    expect(plan.executorConfig.events['Stop']?.hooks.map((hook) => hook.id)).toEqual(['check-tests', 'check-tests-2', 'ruff']);
    expect(plan.settings).toEqual({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'hook-executor run --event Stop', timeout: 605 }] }] } });
  });

  it('sizes the entry timeout by the longest after chain, or the deadline', () => {
    const plan = planInstall({
      settings: {},
      settingsLabel: '.claude/settings.json',
      executorConfig: {
        events: {
          PreToolUse: { hooks: [{ id: 'a', command: 'a', timeout: 10 }, { id: 'b', command: 'b', timeout: 20, after: ['a'] }, { id: 'c', command: 'c', timeout: 25 }] },
          Stop: { deadline: 12, hooks: [{ id: 'd', command: 'd' }] },
        },
      },
      mode: 'command',
      bin: 'hook-executor',
      port: 47433,
    });
    const timeouts = Object.fromEntries(
      Object.entries(plan.settings['hooks'] as Record<string, { hooks: { timeout: number }[] }[]>).map(([event, groups]) => [event, groups[0]?.hooks[0]?.timeout]),
    );
    expect(timeouts).toEqual({ PreToolUse: 35, Stop: 17 });
  });
});
