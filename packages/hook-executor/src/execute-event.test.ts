import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOOK_EVENT_NAMES, mergeHookResults, PerfRecordSchema } from '@whitebox/core';
import type { HookResult } from '@whitebox/core';
import type { CpuPool } from '@whitebox/parallel-core';
import { createModuleHookPool } from './create-module-hook-pool.js';
import { applyPolicies, executeEvent, perfOutcomeOf } from './execute-event.js';
import type { ExecuteEventOptions } from './execute-event.js';
import type { ExecutorConfig, ExecutorEvent } from './executor-config.js';
import { hookPerfRecords } from './hook-perf-records.js';
import type { CommandHookOutcome } from './run-command-hook.js';
import { createFixtureProject, fixtureInput, printJson } from './test-support/fixture-project.js';
import type { FixtureProject } from './test-support/fixture-project.js';

const preToolUse = JSON.parse(fixtureInput('bash-hooks', '02-PreToolUse.json')) as Record<string, unknown>;
const promptSubmit = JSON.parse(fixtureInput('bash-hooks', '01-UserPromptSubmit.json')) as Record<string, unknown>;

let project: FixtureProject;
beforeEach(async () => {
  project = await createFixtureProject();
});
afterEach(() => project.cleanup());

let pool: Promise<CpuPool> | undefined;
afterAll(async () => {
  if (pool) await (await pool).destroy();
});

function run(event: string, block: ExecutorEvent, extra: Partial<ExecuteEventOptions> = {}) {
  const config: ExecutorConfig = { events: { [event]: block } };
  return executeEvent({
    config,
    configDir: project.dir,
    event,
    input: event === 'PreToolUse' ? preToolUse : promptSubmit,
    projectDir: project.dir,
    cwd: project.dir,
    env: { PATH: process.env['PATH'] },
    ...extra,
  });
}

describe(executeEvent, () => {
  it('runs an after chain in order and passes the dependencies\' results under hook_executor_outputs', async () => {
    const result = await run('UserPromptSubmit', {
      hooks: [
        { id: 'load', command: printJson({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'from load' } }) },
        { id: 'use', command: 'cat > use-input.json; echo used', after: ['load'], receivesOutputs: true },
        { id: 'plain', command: 'cat > plain-input.json', after: ['use'] },
      ],
    });
    const [load, use, plain] = result.hooks;
    expect(use?.startedAt).toBeGreaterThanOrEqual(load?.finishedAt ?? Infinity);
    expect(plain?.startedAt).toBeGreaterThanOrEqual(use?.finishedAt ?? Infinity);
    const seen = JSON.parse(await readFile(project.file('use-input.json'), 'utf8')) as Record<string, unknown>;
    expect(seen['prompt']).toBe(promptSubmit['prompt']);
    expect(seen['hook_executor_outputs']).toMatchObject({
      load: { exit_code: 0, timed_out: false, output: { hookSpecificOutput: { additionalContext: 'from load' } } },
    });
    // Without receivesOutputs a hook gets the input exactly as received.
    expect(await readFile(project.file('plain-input.json'), 'utf8')).toBe(JSON.stringify(promptSubmit));
    expect(result.merged.additionalContexts).toEqual(['from load', 'used']);
    expect(result.criticalPath.ids).toEqual(['load', 'use', 'plain']);
  });

  it('runs at most maxConcurrency hooks at once', async () => {
    const step = (id: string) => `echo start-${id} >> log; sleep 0.05; echo end-${id} >> log`;
    await run('UserPromptSubmit', { maxConcurrency: 1, hooks: ['a', 'b', 'c'].map((id) => ({ id, command: step(id) })) });
    expect((await readFile(project.file('log'), 'utf8')).trim().split('\n')).toEqual([
      'start-a',
      'end-a',
      'start-b',
      'end-b',
      'start-c',
      'end-c',
    ]);
  });

  it('selects hooks by matcher with Claude Code\'s semantics', async () => {
    const result = await run('PreToolUse', {
      hooks: [
        { id: 'bash', matcher: 'Bash', command: 'true' },
        { id: 'edit', matcher: 'Edit|Write', command: 'true' },
        { id: 'regex', matcher: '^Ba', command: 'true' },
        { id: 'all', command: 'true' },
      ],
    });
    expect(result.hooks.map((hook) => hook.id)).toEqual(['bash', 'regex', 'all']);
  });

  it('merges in configuration order whatever the finish order: the last updatedInput in the config wins', async () => {
    const rewrite = (command: string) =>
      printJson({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { command } } });
    const result = await run('PreToolUse', {
      hooks: [
        { id: 'slow-first', command: `sleep 0.1; ${rewrite('first')}` },
        { id: 'fast-second', command: rewrite('second') },
      ],
    });
    expect(result.merged.updatedInput).toEqual({ command: 'second' });
    expect(result.merged.conflicts).toEqual([{ field: 'hookSpecificOutput.updatedInput', hookIds: ['slow-first', 'fast-second'], chosen: 'fast-second' }]);
  });

  it('short-circuits: once a hook denies, the hooks still running are cancelled and left out', async () => {
    const result = await run('PreToolUse', {
      shortCircuit: true,
      hooks: [
        { id: 'sleeper', command: 'sleep 100', timeout: 20 },
        { id: 'deny', command: 'echo "no rm" >&2; exit 2' },
        { id: 'later', command: 'echo ran > later', after: ['sleeper'] },
      ],
    });
    expect(result.shortCircuitedBy).toBe('deny');
    expect(result.hooks.map((hook) => [hook.id, hook.status])).toEqual([
      ['sleeper', 'cancelled'],
      ['deny', 'ran'],
      ['later', 'cancelled'],
    ]);
    expect(result.merged.permissionDecision).toBe('deny');
    expect(result.merged.permissionDecisionReason).toBe('no rm');
    expect(result.merged.errors).toEqual([]);
  });

  it('kills what still runs at the event deadline; with onTimeout "block" that blocks', async () => {
    const result = await run('PreToolUse', {
      deadline: 0.3,
      maxConcurrency: 1,
      hooks: [
        { id: 'hang', command: 'sleep 100', onTimeout: 'block' },
        { id: 'queued', command: 'true' },
      ],
    });
    expect(result.deadlineExceeded).toBe(true);
    expect(result.hooks.map((hook) => [hook.id, hook.status, hook.perfOutcome])).toEqual([
      ['hang', 'ran', 'timeout'],
      ['queued', 'not-started', 'timeout'],
    ]);
    expect(result.merged.permissionDecision).toBe('deny');
    expect(result.merged.reasons[0]).toMatch(/^Hook hang timed out after \d+ ms and is set to fail closed$/);
  });

  it('fails open on a timeout by default: no decision and a notice', async () => {
    const result = await run('PreToolUse', { hooks: [{ id: 'hang', command: 'sleep 100', timeout: 0.2 }] });
    expect(result.merged.blocked).toBe(false);
    expect(result.merged.permissionDecision).toBeUndefined();
    expect(result.merged.errors[0]?.message).toMatch(/timed out after \d+ ms; its output was discarded/);
  });

  it('with onError "block", a failing hook or one that cannot start blocks', async () => {
    const failing = await run('PreToolUse', { hooks: [{ id: 'crash', command: 'echo boom >&2; exit 1', onError: 'block' }] });
    expect(failing.merged.permissionDecision).toBe('deny');
    expect(failing.merged.permissionDecisionReason).toBe(
      'Hook crash failed with non-blocking status code 1: boom, and it is set to fail closed',
    );
    const missing = await run('PreToolUse', { onError: 'block', hooks: [{ id: 'gone', command: 'no-such-command-hx42' }] });
    expect(missing.merged.permissionDecision).toBe('deny');
    expect(missing.merged.reasons[0]).toContain('Hook gone failed to start');
  });

  it('reports a hook that cannot start and still runs the others', async () => {
    const result = await run('UserPromptSubmit', {
      hooks: [
        { id: 'gone', command: 'no-such-command-hx42' },
        { id: 'ok', command: 'echo still here' },
      ],
    });
    expect(result.merged.additionalContexts).toEqual(['still here']);
    expect(result.merged.errors[0]?.message).toMatch(/^failed to start: .*no-such-command-hx42/);
    expect(result.hooks.map((hook) => hook.perfOutcome)).toEqual(['error', 'ok']);
  });

  it('runs module hooks in-process: objects are JSON output, strings plain output, throws errors, exitCode raw results', async () => {
    await writeFile(
      project.file('hooks.mjs'),
      [
        'export default (input, ctx) => ({ hookSpecificOutput: { hookEventName: ctx.event, additionalContext: `len ${input.prompt.length} ${ctx.hookId}` } });',
        'export const text = () => "plain text";',
        'export const boom = () => { throw new Error("module exploded"); };',
        'export const block = async () => ({ exitCode: 2, stderr: "blocked by module" });',
      ].join('\n'),
    );
    const result = await run('UserPromptSubmit', {
      hooks: [
        { id: 'obj', module: 'hooks.mjs' },
        { id: 'txt', module: 'hooks.mjs', export: 'text' },
        { id: 'err', module: 'hooks.mjs', export: 'boom' },
      ],
    });
    expect(result.merged.additionalContexts).toEqual([`len ${String(promptSubmit['prompt']).length} obj`, 'plain text']);
    expect(result.merged.systemMessages).toEqual([]);
    expect(result.merged.errors.map((notice) => notice.message)).toEqual(['failed with non-blocking status code 1: module exploded']);

    const blocked = await run('UserPromptSubmit', { hooks: [{ id: 'blk', module: 'hooks.mjs', export: 'block' }] });
    expect(blocked.merged.blocked).toBe(true);
    expect(blocked.merged.reasons).toEqual(['blocked by module']);

    const missing = await run('UserPromptSubmit', { hooks: [{ id: 'nope', module: 'hooks.mjs', export: 'absent' }] });
    expect(missing.hooks[0]?.outcome.failedToStart).toBe(true);
  });

  it('runs cpu: true module hooks on the worker pool', async () => {
    await writeFile(
      project.file('cpu.mjs'),
      'import { threadId } from "node:worker_threads"; export default (input, ctx) => `thread ${threadId > 0} ${ctx.hookId}`;',
    );
    pool ??= createModuleHookPool({ threads: 1 });
    const result = await run('UserPromptSubmit', { hooks: [{ id: 'burn', module: 'cpu.mjs', cpu: true }] }, { cpuPool: () => pool as Promise<CpuPool> });
    expect(result.merged.additionalContexts).toEqual(['thread true burn']);
  });

  it('rejects nothing for a hook failure and writes timing records without input content', async () => {
    const result = await run('PreToolUse', {
      hooks: [
        { id: 'ok', command: 'true' },
        { id: 'deny', command: 'exit 2' },
      ],
    });
    const records = hookPerfRecords(result, { input: preToolUse, runner: 'executor-parallel' });
    expect(records.map((record) => [record.hook, record.outcome, record.runner, record.tool_name])).toEqual([
      ['ok', 'ok', 'executor-parallel', 'Bash'],
      ['deny', 'blocked', 'executor-parallel', 'Bash'],
    ]);
    for (const record of records) expect(PerfRecordSchema.safeParse(record).success).toBe(true);
    expect(JSON.stringify(records)).not.toContain('bash-tool-ran');
  });
});

describe(applyPolicies, () => {
  const outcome = (extra: Partial<CommandHookOutcome>): CommandHookOutcome => ({
    exitCode: 0,
    exitSignal: null,
    stdout: '',
    stderr: '',
    stdoutBytes: 0,
    stderrBytes: 0,
    durationMs: 12.4,
    startedAtEpochMs: 0,
    failedToStart: false,
    ...extra,
  });

  it('sets failClosed only for the failure its policy covers', () => {
    const timedOut = outcome({ exitCode: null, stopped: 'timeout' });
    expect(applyPolicies('PreToolUse', 'a', timedOut, { onError: 'block', onTimeout: 'allow' }).failClosed).toBeUndefined();
    expect(applyPolicies('PreToolUse', 'a', timedOut, { onError: 'allow', onTimeout: 'block' }).failClosed).toBe(true);
    const unstartable = outcome({ exitCode: 127, failedToStart: true });
    expect(applyPolicies('PreToolUse', 'a', unstartable, { onError: 'allow', onTimeout: 'block' }).failClosed).toBeUndefined();
    expect(applyPolicies('PreToolUse', 'a', unstartable, { onError: 'block', onTimeout: 'allow' }).failClosed).toBe(true);
  });

  it('turns output that fails validation into a block under onError "block"', () => {
    const invalid = outcome({ stdout: '{"continue":"yes"}' });
    const result = applyPolicies('PreToolUse', 'bad', invalid, { onError: 'block', onTimeout: 'allow' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^Hook bad returned JSON that fails validation: continue/);
    expect(applyPolicies('PreToolUse', 'bad', invalid, { onError: 'allow', onTimeout: 'allow' }).exitCode).toBe(0);
  });
});

describe(perfOutcomeOf, () => {
  const result = (extra: Partial<HookResult>): HookResult => ({ exitCode: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, failedToStart: false, ...extra });
  // The long way round: what one hook's result amounts to when merged on its own.
  const merged = (event: string, r: HookResult): string => {
    if (r.timedOut) return 'timeout';
    const single = mergeHookResults(event, [r]);
    return single.blocked ? 'blocked' : single.errors.length > 0 ? 'error' : 'ok';
  };

  it.each([...HOOK_EVENT_NAMES, 'SomeFutureEvent'])('agrees with a single-result merge on %s', (event) => {
    const cases = [
      result({}),
      result({ stdout: 'plain context\n' }),
      result({ stdout: '  \n' }),
      result({ stdout: '/tmp/worktree' }),
      result({ stdout: '{"decision":"block","reason":"no"}' }),
      result({ stdout: '{"continue":false}' }),
      result({ stdout: `{"hookSpecificOutput":{"hookEventName":"${event}","permissionDecision":"deny"}}` }),
      result({ exitCode: 2, stderr: 'blocked' }),
      result({ exitCode: 1, stderr: 'oops' }),
      result({ exitCode: null, failedToStart: true, error: 'ENOENT' }),
      result({ exitCode: null, timedOut: true }),
    ];
    for (const r of cases) expect(perfOutcomeOf(event, r)).toBe(merged(event, r));
  });
});
