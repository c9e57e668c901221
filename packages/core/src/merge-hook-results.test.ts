import { describe, expect, it, vi } from 'vitest';
import type { HookResult } from './hook-output.js';
import { MAX_HOOK_OUTPUT_CHARS, mergeHookResults } from './merge-hook-results.js';
import type { MergedHookResult } from './merge-hook-results.js';

function ran(id: string, partial: Partial<HookResult> = {}): HookResult {
  return { id, exitCode: 0, stdout: '', stderr: '', durationMs: 5, timedOut: false, failedToStart: false, ...partial };
}
const json = (id: string, output: object, extra: Partial<HookResult> = {}) => ran(id, { stdout: JSON.stringify(output), ...extra });
const text = (id: string, stdout: string) => ran(id, { stdout });
const exit2 = (id: string, stderr: string, extra: Partial<HookResult> = {}) => ran(id, { exitCode: 2, stderr, ...extra });
const failed = (id: string, exitCode: number, stderr: string) => ran(id, { exitCode, stderr });
const timedOut = (id: string, extra: Partial<HookResult> = {}) =>
  ran(id, { exitCode: null, timedOut: true, durationMs: 30_000, ...extra });
const notStarted = (id: string, extra: Partial<HookResult> = {}) =>
  ran(id, { exitCode: null, failedToStart: true, error: 'spawn ENOENT', ...extra });
const specific = (event: string, fields: object) => ({ hookSpecificOutput: { hookEventName: event, ...fields } });

/** The rendered stdout as JSON, or `undefined` when the render printed nothing. */
function printed(merged: MergedHookResult): unknown {
  return merged.stdout === '' ? undefined : JSON.parse(merged.stdout);
}

describe(mergeHookResults, () => {
  describe('exit 2', () => {
    const decisionBlock = { decision: 'block', reason: 'reason B' };
    it.each([
      // Tool events
      ['PreToolUse', { blocked: true, blockEffect: 'deny-tool', permissionDecision: 'deny', permissionDecisionReason: 'reason B' },
        { exitCode: 0, json: specific('PreToolUse', { permissionDecision: 'deny', permissionDecisionReason: 'reason B' }) }],
      ['PostToolUse', { blocked: true, blockEffect: 'feedback' }, { exitCode: 0, json: decisionBlock }],
      ['PostToolUseFailure', { blocked: true, blockEffect: 'feedback' }, { exitCode: 0, json: decisionBlock }],
      ['PostToolBatch', { blocked: true, blockEffect: 'stop-loop' }, { exitCode: 0, json: decisionBlock }],
      // Prompt events
      ['UserPromptSubmit', { blocked: true, blockEffect: 'erase-prompt' }, { exitCode: 0, json: decisionBlock }],
      ['UserPromptExpansion', { blocked: true, blockEffect: 'block-expansion' }, { exitCode: 0, json: decisionBlock }],
      // Stop events
      ['Stop', { blocked: true, blockEffect: 'keep-going' }, { exitCode: 0, json: decisionBlock }],
      ['SubagentStop', { blocked: true, blockEffect: 'keep-going' }, { exitCode: 0, json: decisionBlock }],
      // Permission request
      ['PermissionRequest', { blocked: true, permissionRequestDecision: { behavior: 'deny', message: 'reason B' } },
        { exitCode: 0, json: specific('PermissionRequest', { decision: { behavior: 'deny', message: 'reason B' } }) }],
      // Other events that block
      ['PreCompact', { blocked: true, blockEffect: 'block-compaction' }, { exitCode: 0, json: decisionBlock }],
      ['ConfigChange', { blocked: true, blockEffect: 'block-change' }, { exitCode: 0, json: decisionBlock }],
      ['TeammateIdle', { blocked: true, blockEffect: 'keep-going' }, { exitCode: 2, stderr: 'reason B' }],
      ['TaskCreated', { blocked: true, blockEffect: 'reject' }, { exitCode: 2, stderr: 'reason B' }],
      ['Elicitation', { blocked: true, blockEffect: 'decline' }, { exitCode: 2, stderr: 'reason B' }],
      ['BrandNewEvent', { blocked: true, blockEffect: 'block' }, { exitCode: 2, stderr: 'reason B' }],
    ] as const)('blocks %s with stderr as the reason', (event, expected, rendered) => {
      const merged = mergeHookResults(event, [ran('a'), exit2('b', 'reason B\n')]);
      expect(merged).toMatchObject({ ...expected, reasons: ['reason B'] });
      expect(merged.exitCode).toBe(rendered.exitCode);
      if ('json' in rendered) expect(printed(merged)).toStrictEqual(rendered.json);
      else expect(merged).toMatchObject({ stdout: '', stderr: rendered.stderr });
    });

    it.each(['SessionStart', 'Setup', 'SubagentStart', 'SessionEnd', 'Notification', 'PostCompact', 'CwdChanged', 'FileChanged'])(
      'shows stderr to the user without blocking on %s',
      (event) => {
        const merged = mergeHookResults(event, [exit2('b', 'reason B')]);
        expect(merged).toMatchObject({ blocked: false, blockEffect: 'none', reasons: [] });
        expect(merged.errors).toStrictEqual([{ hookId: 'b', message: 'exited with code 2: reason B', shown: true }]);
        expect(merged).toMatchObject({ exitCode: 1, stdout: '', stderr: 'Hook b exited with code 2: reason B' });
      },
    );

    it.each(['PermissionDenied', 'InstructionsLoaded', 'DirectoryAdded', 'WorktreeRemove', 'MessageDisplay'])(
      'sends stderr to the debug log only on %s',
      (event) => {
        const merged = mergeHookResults(event, [exit2('b', 'reason B')]);
        expect(merged).toMatchObject({ blocked: false, exitCode: 0, stdout: '', stderr: 'Hook b exited with code 2: reason B' });
        expect(merged.errors).toStrictEqual([{ hookId: 'b', message: 'exited with code 2: reason B', shown: false }]);
      },
    );

    it.each([
      ['PreToolUse', specific('PreToolUse', { permissionDecision: 'allow', additionalContext: 'ignored' })],
      ['Stop', { systemMessage: 'ignored', ...specific('Stop', { additionalContext: 'ignored' }) }],
      ['UserPromptSubmit', { continue: false, stopReason: 'ignored' }],
    ])('ignores JSON printed by a hook that exits 2 on %s', (event, output) => {
      const merged = mergeHookResults(event, [exit2('b', 'no', { stdout: JSON.stringify(output) })]);
      expect(merged).toMatchObject({ blocked: true, continue: true, additionalContexts: [], systemMessages: [] });
    });

    it('beats another hook that allows', () => {
      const merged = mergeHookResults('PreToolUse', [json('a', specific('PreToolUse', { permissionDecision: 'allow' })), exit2('b', 'no')]);
      expect(merged.permissionDecision).toBe('deny');
    });

    it('falls back to a reason naming the hook when stderr is empty', () => {
      expect(mergeHookResults('Stop', [exit2('b', ' \n')]).reasons).toStrictEqual(['Hook b exited with code 2']);
      expect(mergeHookResults('Stop', [ran(undefined as unknown as string, { exitCode: 2 })]).reasons).toStrictEqual([
        'Hook #1 exited with code 2',
      ]);
    });
  });

  describe('JSON decisions', () => {
    it.each([
      ['Stop', { decision: 'block', reason: 'keep going' }, true, ['keep going']],
      ['SubagentStop', { decision: 'block', reason: 'more' }, true, ['more']],
      ['Stop', { decision: 'block' }, true, ['Blocked by hook a']],
      ['PostToolUse', { decision: 'block', reason: 'lint failed' }, true, ['lint failed']],
      ['UserPromptSubmit', { decision: 'block', reason: 'secret' }, true, ['secret']],
      ['PreCompact', { decision: 'block', reason: 'not now' }, true, ['not now']],
      ['BrandNewEvent', { decision: 'block', reason: 'x' }, true, ['x']],
      ['Stop', { decision: 'approve', reason: 'fine' }, false, []],
      ['SessionStart', { decision: 'block', reason: 'x' }, false, []],
      ['TeammateIdle', { decision: 'block', reason: 'x' }, false, []],
      ['Notification', { decision: 'block', reason: 'x' }, false, []],
    ])('reads top-level %s %j (blocks: %s)', (event, output, blocked, reasons) => {
      const merged = mergeHookResults(event, [json('a', output)]);
      expect(merged).toMatchObject({ blocked, reasons });
      if (blocked) expect(printed(merged)).toStrictEqual({ decision: 'block', reason: reasons.join('\n') });
      else expect(merged.stdout).toBe('');
    });

    it('keeps every block reason in configuration order', () => {
      const merged = mergeHookResults('Stop', [
        json('a', { decision: 'block', reason: 'A' }, { durationMs: 90 }),
        exit2('b', 'B', { durationMs: 1 }),
      ]);
      expect(merged.reasons).toStrictEqual(['A', 'B']);
      expect(printed(merged)).toStrictEqual({ decision: 'block', reason: 'A\nB' });
    });

    it.each([
      [{ decision: 'block', reason: 'old' }, 'deny', 'old', true],
      [{ decision: 'approve', reason: 'fine' }, 'allow', 'fine', false],
      [{ decision: 'block', reason: 'old', ...specific('PreToolUse', { permissionDecision: 'ask', permissionDecisionReason: 'new' }) }, 'ask', 'new', false],
    ])('maps the legacy PreToolUse decision %j to %s', (output, decision, reason, blocked) => {
      const merged = mergeHookResults('PreToolUse', [json('a', output)]);
      expect(merged).toMatchObject({ permissionDecision: decision, permissionDecisionReason: reason, blocked });
      expect(printed(merged)).toStrictEqual(
        specific('PreToolUse', { permissionDecision: decision, permissionDecisionReason: reason }),
      );
    });
  });

  describe('permission decisions', () => {
    it.each([
      [['allow'], 'allow'],
      [['allow', 'ask'], 'ask'],
      [['ask', 'allow'], 'ask'],
      [['ask', 'defer'], 'defer'],
      [['defer', 'ask'], 'defer'],
      [['defer', 'deny'], 'deny'],
      [['deny', 'defer'], 'deny'],
      [['deny', 'allow', 'ask', 'defer'], 'deny'],
      [['allow', 'allow'], 'allow'],
    ] as const)('PreToolUse %j resolves to %s, with the winners\' reasons', (decisions, winner) => {
      const results = decisions.map((decision, i) =>
        json(`h${i}`, specific('PreToolUse', { permissionDecision: decision, permissionDecisionReason: `${decision} ${i}` })),
      );
      const merged = mergeHookResults('PreToolUse', results);
      const reasons = decisions.flatMap((d, i) => (d === winner ? [`${d} ${i}`] : []));
      expect(merged).toMatchObject({ permissionDecision: winner, permissionDecisionReason: reasons.join('\n'), blocked: winner === 'deny' });
      expect(merged.reasons).toStrictEqual(winner === 'deny' ? reasons : []);
      expect(printed(merged)).toStrictEqual(
        specific('PreToolUse', { permissionDecision: winner, permissionDecisionReason: reasons.join('\n') }),
      );
    });

    it.each(['PreSkillShellCommand', 'PreModelSwitch'])('applies the same order on %s', (event) => {
      const merged = mergeHookResults(event, [
        json('a', specific(event, { permissionDecision: 'allow' })),
        json('b', specific(event, { permissionDecision: 'deny' })),
      ]);
      expect(merged.permissionDecision).toBe('deny');
    });

    it('PermissionRequest: a deny beats an allow and keeps interrupt', () => {
      const merged = mergeHookResults('PermissionRequest', [
        json('a', specific('PermissionRequest', { decision: { behavior: 'allow', updatedInput: { x: 1 } } })),
        json('b', specific('PermissionRequest', { decision: { behavior: 'deny', message: 'no', interrupt: true } })),
        json('c', specific('PermissionRequest', { decision: { behavior: 'deny', message: 'never' } })),
      ]);
      expect(merged).toMatchObject({
        blocked: true,
        reasons: ['no', 'never'],
        permissionRequestDecision: { behavior: 'deny', message: 'no\nnever', interrupt: true },
      });
      expect(printed(merged)).toStrictEqual(
        specific('PermissionRequest', { decision: { behavior: 'deny', message: 'no\nnever', interrupt: true } }),
      );
    });

    it('PermissionRequest: allows keep every permission update in configuration order', () => {
      const rule = (toolName: string) => ({ type: 'addRules', rules: [{ toolName }], behavior: 'allow', destination: 'session' });
      const merged = mergeHookResults('PermissionRequest', [
        json('a', specific('PermissionRequest', { decision: { behavior: 'allow', updatedPermissions: [rule('Bash')] } })),
        json('b', specific('PermissionRequest', { decision: { behavior: 'allow', updatedInput: { command: 'ls' }, updatedPermissions: [rule('Read')] } })),
      ]);
      expect(merged).toMatchObject({ blocked: false, updatedInput: { command: 'ls' } });
      expect(merged.permissionRequestDecision).toStrictEqual({
        behavior: 'allow',
        updatedInput: { command: 'ls' },
        updatedPermissions: [rule('Bash'), rule('Read')],
      });
    });
  });

  describe('continue: false', () => {
    it.each(['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SessionStart', 'PermissionRequest', 'Notification', 'TeammateIdle', 'BrandNewEvent'])(
      'stops on %s with the first stopReason, keeping all',
      (event) => {
        const merged = mergeHookResults(event, [
          json('a', { continue: false, stopReason: 'first' }),
          json('b', { continue: true }),
          json('c', { continue: false, stopReason: 'second' }),
        ]);
        expect(merged).toMatchObject({ continue: false, stopReason: 'first', stopReasons: ['first', 'second'] });
        expect(printed(merged)).toStrictEqual({ continue: false, stopReason: 'first\nsecond' });
      },
    );

    it('stops without a reason too', () => {
      const merged = mergeHookResults('Stop', [json('a', { continue: false })]);
      expect(merged).toMatchObject({ continue: false, stopReasons: [] });
      expect(merged.stopReason).toBeUndefined();
      expect(printed(merged)).toStrictEqual({ continue: false });
    });

    it('is rendered as JSON even where a block exists only as exit 2, since the stop takes precedence', () => {
      const merged = mergeHookResults('TeammateIdle', [exit2('a', 'keep working'), json('b', { continue: false, stopReason: 'halt' })]);
      expect(merged).toMatchObject({ blocked: true, continue: false, exitCode: 0 });
      expect(printed(merged)).toStrictEqual({ continue: false, stopReason: 'halt' });
    });
  });

  describe('additionalContext and systemMessage', () => {
    it.each(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PostToolBatch', 'UserPromptSubmit', 'UserPromptExpansion', 'Stop', 'SubagentStop', 'SubagentStart', 'SessionStart', 'Setup'])(
      'keeps every value on %s in configuration order, not finish order',
      (event) => {
        const merged = mergeHookResults(event, [
          json('slow', { systemMessage: 'sA', ...specific(event, { additionalContext: 'A' }) }, { durationMs: 900 }),
          json('fast', { systemMessage: 'sB', ...specific(event, { additionalContext: 'B' }) }, { durationMs: 1 }),
        ]);
        expect(merged).toMatchObject({ additionalContexts: ['A', 'B'], systemMessages: ['sA', 'sB'] });
        expect(printed(merged)).toStrictEqual({ systemMessage: 'sA\nsB', ...specific(event, { additionalContext: 'A\nB' }) });
      },
    );

    it.each(['Notification', 'PermissionRequest', 'SessionEnd', 'TeammateIdle'])('keeps every systemMessage on %s', (event) => {
      const merged = mergeHookResults(event, [json('a', { systemMessage: 'one' }), json('b', {}), json('c', { systemMessage: 'two' })]);
      expect(merged.systemMessages).toStrictEqual(['one', 'two']);
      expect(printed(merged)).toStrictEqual({ systemMessage: 'one\ntwo' });
    });
  });

  describe('conflicting rewrites', () => {
    it('PreToolUse updatedInput: the last in configuration order wins and the conflict is reported', () => {
      const merged = mergeHookResults('PreToolUse', [
        json('a', specific('PreToolUse', { updatedInput: { command: 'ls -a' } }), { durationMs: 99 }),
        json('b', specific('PreToolUse', { updatedInput: { command: 'ls -l' } }), { durationMs: 1 }),
        json('c', specific('PreToolUse', { permissionDecision: 'allow' })),
      ]);
      expect(merged.updatedInput).toStrictEqual({ command: 'ls -l' });
      expect(merged.conflicts).toStrictEqual([{ field: 'hookSpecificOutput.updatedInput', hookIds: ['a', 'b'], chosen: 'b' }]);
      expect(printed(merged)).toStrictEqual(
        specific('PreToolUse', { permissionDecision: 'allow', updatedInput: { command: 'ls -l' } }),
      );
    });

    it('reports no conflict when the hooks agree', () => {
      const merged = mergeHookResults('PreToolUse', [
        json('a', specific('PreToolUse', { updatedInput: { command: 'ls', n: [1] } })),
        json('b', specific('PreToolUse', { updatedInput: { n: [1], command: 'ls' } })),
      ]);
      expect(merged.conflicts).toStrictEqual([]);
      expect(merged.updatedInput).toStrictEqual({ command: 'ls', n: [1] });
    });

    it('names every hook involved, even when the last one repeats the first', () => {
      const merged = mergeHookResults('PreToolUse', [
        json('a', specific('PreToolUse', { updatedInput: { v: 1 } })),
        json('b', specific('PreToolUse', { updatedInput: { v: 2 } })),
        json('c', specific('PreToolUse', { updatedInput: { v: 1 } })),
      ]);
      expect(merged.updatedInput).toStrictEqual({ v: 1 });
      expect(merged.conflicts).toStrictEqual([{ field: 'hookSpecificOutput.updatedInput', hookIds: ['a', 'b', 'c'], chosen: 'c' }]);
    });

    it.each([
      ['PermissionRequest', 'hookSpecificOutput.decision.updatedInput', (v: number) => ({ decision: { behavior: 'allow', updatedInput: { v } } })],
      ['PostToolUse', 'hookSpecificOutput.updatedToolOutput', (v: number) => ({ updatedToolOutput: { stdout: `${v}` } })],
      ['SessionStart', 'hookSpecificOutput.sessionTitle', (v: number) => ({ sessionTitle: `title ${v}` })],
      ['UserPromptSubmit', 'hookSpecificOutput.sessionTitle', (v: number) => ({ sessionTitle: `title ${v}` })],
      ['CwdChanged', 'hookSpecificOutput.watchPaths', (v: number) => ({ watchPaths: [`/p${v}`] })],
    ])('%s: reports %s', (event, field, fields) => {
      const merged = mergeHookResults(event, [json('a', specific(event, fields(1))), json('b', specific(event, fields(2)))]);
      expect(merged.conflicts).toStrictEqual([{ field, hookIds: ['a', 'b'], chosen: 'b' }]);
    });
  });

  describe('plain stdout', () => {
    it.each(['UserPromptSubmit', 'UserPromptExpansion', 'SessionStart'])('is context on %s', (event) => {
      const merged = mergeHookResults(event, [text('a', 'ctx A\n'), text('b', 'ctx B'), text('c', '\n')]);
      expect(merged.additionalContexts).toStrictEqual(['ctx A', 'ctx B']);
      expect(merged).toMatchObject({ exitCode: 0, stdout: 'ctx A\nctx B' });
    });

    it('joins JSON context when it is mixed with plain text', () => {
      const merged = mergeHookResults('SessionStart', [
        text('a', 'plain'),
        json('b', specific('SessionStart', { additionalContext: 'structured' })),
      ]);
      expect(printed(merged)).toStrictEqual(specific('SessionStart', { additionalContext: 'plain\nstructured' }));
    });

    it('is context even when it starts with { but is not JSON, as Claude Code reads it', () => {
      expect(mergeHookResults('UserPromptSubmit', [text('a', '{ not json')]).additionalContexts).toStrictEqual(['{ not json']);
    });

    it.each(['PreToolUse', 'PostToolUse', 'PostToolBatch', 'Stop', 'SubagentStart', 'Setup', 'Notification', 'PermissionRequest', 'BrandNewEvent'])(
      'is debug output only on %s',
      (event) => {
        const merged = mergeHookResults(event, [text('a', 'noise')]);
        expect(merged).toMatchObject({ additionalContexts: [], exitCode: 0, stdout: '' });
      },
    );
  });

  describe('the 10,000-character cap', () => {
    const long = (n: number) => 'x'.repeat(n - 5) + 'TAIL!';

    it('keeps a string of exactly 10,000 characters', () => {
      const value = long(MAX_HOOK_OUTPUT_CHARS);
      const merged = mergeHookResults('PreToolUse', [json('a', specific('PreToolUse', { additionalContext: value }))]);
      expect(merged.additionalContexts).toStrictEqual([value]);
      expect(merged.truncated).toStrictEqual([]);
    });

    it.each([
      ['PreToolUse', 'additionalContext', (v: string) => json('a', specific('PreToolUse', { additionalContext: v })), (m: MergedHookResult) => m.additionalContexts[0]],
      ['Stop', 'additionalContext', (v: string) => json('a', specific('Stop', { additionalContext: v })), (m: MergedHookResult) => m.additionalContexts[0]],
      ['SessionStart', 'stdout', (v: string) => text('a', v), (m: MergedHookResult) => m.additionalContexts[0]],
      ['UserPromptSubmit', 'stdout', (v: string) => text('a', v), (m: MergedHookResult) => m.additionalContexts[0]],
      ['Notification', 'systemMessage', (v: string) => json('a', { systemMessage: v }), (m: MergedHookResult) => m.systemMessages[0]],
      ['PermissionRequest', 'systemMessage', (v: string) => json('a', { systemMessage: v }), (m: MergedHookResult) => m.systemMessages[0]],
    ] as const)('cuts a longer %s %s', (event, field, make, pick) => {
      const merged = mergeHookResults(event, [make(long(MAX_HOOK_OUTPUT_CHARS + 1))]);
      const kept = pick(merged) ?? '';
      expect(kept.length).toBeLessThanOrEqual(MAX_HOOK_OUTPUT_CHARS);
      expect(kept.startsWith('xxxxxxxxxx')).toBe(true);
      expect(kept).not.toContain('TAIL!');
      expect(kept).toContain('more characters cut');
      expect(merged.truncated).toStrictEqual([{ hookId: 'a', field, length: MAX_HOOK_OUTPUT_CHARS + 1 }]);
    });

    it('caps each string, not the total', () => {
      const six = 'y'.repeat(6_000);
      const merged = mergeHookResults('PostToolUse', [
        json('a', specific('PostToolUse', { additionalContext: six })),
        json('b', specific('PostToolUse', { additionalContext: six })),
      ]);
      expect(merged.additionalContexts).toStrictEqual([six, six]);
      expect(merged.truncated).toStrictEqual([]);
    });

    it('hands long strings to a custom truncate, e.g. one that files them', () => {
      const truncate = vi.fn(() => 'see /tmp/hook-output.txt');
      const merged = mergeHookResults('PreToolUse', [json('a', { systemMessage: 'abcdef' })], { maxOutputChars: 5, truncate });
      expect(truncate).toHaveBeenCalledWith('abcdef', { hookId: 'a', field: 'systemMessage', maxChars: 5 });
      expect(merged.systemMessages).toStrictEqual(['see /tmp/hook-output.txt']);
    });
  });

  describe('non-blocking errors', () => {
    it.each(['PreToolUse', 'UserPromptSubmit', 'Stop', 'SessionStart', 'PermissionRequest', 'Notification', 'TeammateIdle', 'BrandNewEvent'])(
      'let %s proceed and show the first stderr line',
      (event) => {
        const merged = mergeHookResults(event, [failed('a', 1, 'boom\nstack trace')]);
        expect(merged).toMatchObject({ blocked: false, continue: true });
        expect(merged.errors).toStrictEqual([{ hookId: 'a', message: 'failed with non-blocking status code 1: boom', shown: true }]);
        expect(merged).toMatchObject({ exitCode: 1, stdout: '', stderr: 'Hook a failed with non-blocking status code 1: boom' });
      },
    );

    it('ignore the JSON a failing hook printed', () => {
      const merged = mergeHookResults('PreToolUse', [
        ran('a', { exitCode: 1, stdout: JSON.stringify(specific('PreToolUse', { permissionDecision: 'deny' })) }),
      ]);
      expect(merged.permissionDecision).toBeUndefined();
      expect(merged.blocked).toBe(false);
    });

    it('go into systemMessage when there is JSON to print anyway', () => {
      const merged = mergeHookResults('PreToolUse', [
        json('a', specific('PreToolUse', { additionalContext: 'ctx' })),
        failed('b', 3, 'bad'),
      ]);
      expect(merged.exitCode).toBe(0);
      expect(merged.systemMessages).toStrictEqual([]);
      expect(printed(merged)).toStrictEqual({
        systemMessage: 'Hook b failed with non-blocking status code 3: bad',
        ...specific('PreToolUse', { additionalContext: 'ctx' }),
      });
    });

    it('all fit on the one stderr line Claude Code shows', () => {
      const merged = mergeHookResults('Stop', [failed('a', 1, 'one'), failed('b', 4, 'two')]);
      expect(merged.stderr.split('\n')[0]).toBe(
        'Hook a failed with non-blocking status code 1: one; Hook b failed with non-blocking status code 4: two',
      );
    });

    it('go to the debug log where Claude Code hides them', () => {
      const merged = mergeHookResults('PermissionDenied', [failed('a', 1, 'quiet')]);
      expect(merged.errors[0]?.shown).toBe(false);
      expect(merged).toMatchObject({ exitCode: 0, stdout: '', stderr: 'Hook a failed with non-blocking status code 1: quiet' });
    });

    it('include schema-invalid JSON on exit 0', () => {
      const merged = mergeHookResults('PreToolUse', [
        json('a', { decision: 'allow' }),
        json('b', specific('Stop', { additionalContext: 'wrong event' })),
      ]);
      expect(merged.errors.map((e) => e.message)).toStrictEqual([
        'returned JSON that fails validation: decision: expected one of "approve", "block", received string "allow"',
        'returned JSON that fails validation: hookSpecificOutput.hookEventName: expected "PreToolUse", received "Stop"',
      ]);
      expect(merged.additionalContexts).toStrictEqual([]);
    });
  });

  describe('timeouts and failures to start', () => {
    it.each([
      ['PreToolUse', (m: MergedHookResult) => expect(m.permissionDecision).toBe('allow')],
      ['PermissionRequest', (m: MergedHookResult) => expect(m.permissionRequestDecision?.behavior).toBe('allow')],
      ['UserPromptSubmit', (m: MergedHookResult) => expect(m.additionalContexts).toStrictEqual(['ctx'])],
      ['Stop', (m: MergedHookResult) => expect(m.blocked).toBe(false)],
    ] as const)('give no decision on %s (fail-open)', (event, check) => {
      const other =
        event === 'PreToolUse'
          ? json('c', specific(event, { permissionDecision: 'allow' }))
          : event === 'PermissionRequest'
            ? json('c', specific(event, { decision: { behavior: 'allow' } }))
            : json('c', specific(event, { additionalContext: 'ctx' }));
      const merged = mergeHookResults(event, [timedOut('a', { stdout: '{"decision":"block"}' }), notStarted('b'), other]);
      expect(merged.blocked).toBe(false);
      check(merged);
      expect(merged.errors).toStrictEqual([
        { hookId: 'a', message: 'timed out after 30000 ms; its output was discarded', shown: true },
        { hookId: 'b', message: 'failed to start: spawn ENOENT', shown: true },
      ]);
      expect(merged.outcomes.map((o) => o.kind)).toStrictEqual(['timeout', 'failed-to-start', 'json']);
    });

    it.each([
      ['PreToolUse', timedOut('a', { failClosed: true }), 'Hook a timed out after 30000 ms and is set to fail closed',
        (m: MergedHookResult) => expect(m.permissionDecision).toBe('deny')],
      ['PreToolUse', notStarted('a', { failClosed: true }), 'Hook a failed to start (spawn ENOENT) and is set to fail closed',
        (m: MergedHookResult) => expect(m.permissionDecision).toBe('deny')],
      ['PermissionRequest', timedOut('a', { failClosed: true }), 'Hook a timed out after 30000 ms and is set to fail closed',
        (m: MergedHookResult) => expect(m.permissionRequestDecision?.behavior).toBe('deny')],
      ['UserPromptSubmit', timedOut('a', { failClosed: true }), 'Hook a timed out after 30000 ms and is set to fail closed',
        (m: MergedHookResult) => expect(printed(m)).toMatchObject({ decision: 'block' })],
      ['Stop', notStarted('a', { failClosed: true }), 'Hook a failed to start (spawn ENOENT) and is set to fail closed',
        (m: MergedHookResult) => expect(printed(m)).toMatchObject({ decision: 'block' })],
      ['TeammateIdle', timedOut('a', { failClosed: true }), 'Hook a timed out after 30000 ms and is set to fail closed',
        (m: MergedHookResult) => expect(m.exitCode).toBe(2)],
    ] as const)('block on %s when the result says failClosed', (event, result, reason, check) => {
      const merged = mergeHookResults(event, [result]);
      expect(merged).toMatchObject({ blocked: true, reasons: [reason] });
      expect(merged.outcomes).toStrictEqual([{ hookId: 'a', kind: 'fail-closed' }]);
      check(merged);
    });

    it('failClosed cannot block where exit 2 cannot', () => {
      const merged = mergeHookResults('SessionStart', [timedOut('a', { failClosed: true })]);
      expect(merged.blocked).toBe(false);
      expect(merged.errors[0]?.message).toContain('set to fail closed');
    });

    it('failClosed does nothing to a hook that ran', () => {
      const merged = mergeHookResults('PreToolUse', [ran('a', { exitCode: 1, stderr: 'x', failClosed: true })]);
      expect(merged.blocked).toBe(false);
    });
  });

  describe('other events', () => {
    it('an async declaration has no effect', () => {
      const merged = mergeHookResults('PreToolUse', [json('a', { async: true })]);
      expect(merged.outcomes).toStrictEqual([{ hookId: 'a', kind: 'async' }]);
      expect(merged).toMatchObject({ exitCode: 0, stdout: '', stderr: '', blocked: false });
    });

    it('StopFailure output and exit codes are ignored altogether', () => {
      const merged = mergeHookResults('StopFailure', [exit2('a', 'x'), json('b', { continue: false, systemMessage: 'm' }), failed('c', 1, 'e')]);
      expect(merged).toMatchObject({ continue: true, blocked: false, systemMessages: [], errors: [], exitCode: 0, stdout: '', stderr: '' });
      expect(merged.outcomes.map((o) => o.kind)).toStrictEqual(['ignored', 'ignored', 'ignored']);
    });

    it('WorktreeCreate takes the last stdout line, without ANSI escapes, as the path', () => {
      const merged = mergeHookResults('WorktreeCreate', [text('a', '\u001b[32mChecked out\u001b[0m\n\u001b[1m/tmp/wt\u001b[0m\n\n')]);
      expect(merged).toMatchObject({ worktreePath: '/tmp/wt', blocked: false, exitCode: 0, stdout: '/tmp/wt\n' });
    });

    it('WorktreeCreate reports conflicting paths and keeps the last', () => {
      const merged = mergeHookResults('WorktreeCreate', [
        text('a', '/tmp/one'),
        json('b', specific('WorktreeCreate', { worktreePath: '/tmp/two' })),
      ]);
      expect(merged.worktreePath).toBe('/tmp/two');
      expect(merged.conflicts).toStrictEqual([{ field: 'worktreePath', hookIds: ['a', 'b'], chosen: 'b' }]);
    });

    it.each([
      [[failed('a', 1, 'svn failed'), text('b', '/tmp/wt')], 'Hook a failed with non-blocking status code 1: svn failed'],
      [[exit2('a', 'refused'), text('b', '/tmp/wt')], 'refused'],
      [[text('a', '')], 'No WorktreeCreate hook printed a worktree path'],
    ])('WorktreeCreate fails on any failure or a missing path (%#)', (results, reason) => {
      const merged = mergeHookResults('WorktreeCreate', results);
      expect(merged).toMatchObject({ blocked: true, reasons: [reason], exitCode: 1, stdout: '', stderr: reason });
    });

    it('prints nothing when there is nothing to say', () => {
      expect(mergeHookResults('PreToolUse', [])).toMatchObject({ exitCode: 0, stdout: '', stderr: '', blocked: false, continue: true });
      expect(mergeHookResults('Stop', [ran('a'), json('b', {})])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    });

    it('names hooks by position when they have no id', () => {
      const merged = mergeHookResults('Stop', [
        { exitCode: 1, stdout: '', stderr: 'x', durationMs: 1, timedOut: false, failedToStart: false },
      ]);
      expect(merged.errors[0]?.hookId).toBe('#1');
    });
  });

  describe('bad arguments', () => {
    it.each([
      [() => mergeHookResults('', []), 'Expected event to be a non-empty string, got string ""'],
      [() => mergeHookResults('Stop', {} as unknown as HookResult[]), 'Expected results to be an array, got an object'],
      [() => mergeHookResults('Stop', [null as unknown as HookResult]), 'Expected results[0] to be a hook result object, got null'],
      [() => mergeHookResults('Stop', [{ ...ran('a'), stdout: 5 } as unknown as HookResult]), 'Expected results[0].stdout to be a string, got number 5'],
      [() => mergeHookResults('Stop', [ran('a', { exitCode: 1.5 })]), 'Expected results[0].exitCode to be an integer or null, got number 1.5'],
      [() => mergeHookResults('Stop', [{ ...ran('a'), timedOut: 'no' } as unknown as HookResult]), 'Expected results[0].timedOut to be a boolean'],
      [() => mergeHookResults('Stop', [ran('a', { durationMs: Number.NaN })]), 'Expected results[0].durationMs to be a number, got number NaN'],
      [() => mergeHookResults('Stop', [], { maxOutputChars: 0 }), 'Expected options.maxOutputChars to be a positive integer, got number 0'],
      [() => mergeHookResults('Stop', [], { truncate: 'x' as unknown as () => string }), 'Expected options.truncate to be a function'],
    ])('throws a TypeError (%#)', (call, message) => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });
  });
});
