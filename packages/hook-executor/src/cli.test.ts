import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_LAUNCHED_HOOKS } from './hook-launcher.js';
import { BIN, createFixtureProject, fixtureInput, isRunning, printJson, runBin, waitFor } from './test-support/fixture-project.js';
import type { FixtureProject } from './test-support/fixture-project.js';

// Real inputs captured from Claude Code 2.1.332, passed on stdin exactly as Claude Code does.
const PRE_TOOL_USE = fixtureInput('bash-hooks', '02-PreToolUse.json');
const PROMPT = fixtureInput('bash-hooks', '01-UserPromptSubmit.json');
const STOP = fixtureInput('bash-hooks', '05-Stop.json');
const AGENT_PRE_TOOL_USE = fixtureInput('parallel-agents', '02-PreToolUse.json');

const decision = (permissionDecision: string, reason?: string) =>
  printJson({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision, ...(reason && { permissionDecisionReason: reason }) } });

let project: FixtureProject;
beforeEach(async () => {
  project = await createFixtureProject();
});
afterEach(() => project.cleanup());

async function run(event: string, input: string, hooks: unknown[], extra: Record<string, unknown> = {}) {
  await project.writeConfig({ events: { [event]: { hooks, ...extra } } });
  return runBin(['run', '--event', event], { input, cwd: project.dir });
}

describe('hook-executor run (bundled CLI, as Claude Code runs it)', () => {
  it('allow: prints the JSON decision and exits 0', async () => {
    const result = await run('PreToolUse', PRE_TOOL_USE, [{ id: 'ok', matcher: 'Bash', command: decision('allow', 'safe') }]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: 'safe' },
    });
  });

  it('deny: an exit 2 beats an allow, with stderr as the reason', async () => {
    const result = await run('PreToolUse', PRE_TOOL_USE, [
      { id: 'ok', command: decision('allow') },
      { id: 'guard', command: 'echo "no shell writes" >&2; exit 2' },
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'no shell writes' },
    });
  });

  it('ask: ask beats allow, and a non-matching hook does not run', async () => {
    const result = await run('PreToolUse', PRE_TOOL_USE, [
      { id: 'ok', command: decision('allow') },
      { id: 'confirm', matcher: 'Bash', command: decision('ask', 'writes a file') },
      { id: 'edits-only', matcher: 'Edit|Write', command: decision('deny', 'never') },
    ]);
    expect(JSON.parse(result.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'ask', permissionDecisionReason: 'writes a file' });
  });

  it('matches the sub-agent tool through its legacy Task name', async () => {
    const result = await run('PreToolUse', AGENT_PRE_TOOL_USE, [{ id: 'spawn', matcher: 'Task', command: decision('deny', 'batch your agents') }]);
    expect(JSON.parse(result.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
  });

  it('block: a UserPromptSubmit block is a JSON decision; a Stop hook\'s exit 2 blocks too', async () => {
    const prompt = await run('UserPromptSubmit', PROMPT, [{ id: 'policy', command: printJson({ decision: 'block', reason: 'no secrets' }) }]);
    expect(prompt.code).toBe(0);
    expect(JSON.parse(prompt.stdout)).toEqual({ decision: 'block', reason: 'no secrets' });

    const stop = await run('Stop', STOP, [{ id: 'tests', command: 'echo "tests are failing" >&2; exit 2' }]);
    expect(JSON.parse(stop.stdout)).toEqual({ decision: 'block', reason: 'tests are failing' });
  });

  it('continue: false from any hook stops Claude, with its stopReason', async () => {
    const result = await run('UserPromptSubmit', PROMPT, [
      { id: 'ctx', command: 'echo some context' },
      { id: 'halt', command: printJson({ continue: false, stopReason: 'budget exhausted' }) },
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      continue: false,
      stopReason: 'budget exhausted',
      hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'some context' },
    });
  });

  it('keeps additionalContext in configuration order, not finish order', async () => {
    const context = (text: string) => printJson({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: text } });
    const result = await run('UserPromptSubmit', PROMPT, [
      { id: 'first', command: `sleep 0.3; ${context('one')}` },
      { id: 'second', command: `sleep 0.15; echo two` },
      { id: 'third', command: context('three') },
    ]);
    expect(JSON.parse(result.stdout).hookSpecificOutput.additionalContext).toBe('one\ntwo\nthree');
  });

  it('timeout with onTimeout "allow" fails open: no decision, a non-blocking error (exit 1)', async () => {
    const result = await run('PreToolUse', PRE_TOOL_USE, [{ id: 'hang', command: 'sleep 100', timeout: 0.3 }]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Hook hang timed out after \d+ ms; its output was discarded/);
  });

  it('timeout with onTimeout "block" fails closed: a deny', async () => {
    const result = await run('PreToolUse', PRE_TOOL_USE, [
      { id: 'ok', command: decision('allow') },
      { id: 'scanner', command: 'sleep 100', timeout: 0.3, onTimeout: 'block' },
    ]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout).hookSpecificOutput;
    expect(output.permissionDecision).toBe('deny');
    expect(output.permissionDecisionReason).toMatch(/^Hook scanner timed out after \d+ ms and is set to fail closed$/);
  });

  it('kills a hanging hook with its whole process group: no grandchild survives', async () => {
    const result = await run('UserPromptSubmit', PROMPT, [
      { id: 'hang', command: `sleep 100 & echo $! > ${project.file('grandchild.pid')}; wait`, timeout: 0.3 },
    ]);
    expect(result.code).toBe(1);
    const pid = Number((await readFile(project.file('grandchild.pid'), 'utf8')).trim());
    expect(isRunning(pid)).toBe(false);
  });

  it('runs an after chain, giving the dependent its dependency\'s output under hook_executor_outputs', async () => {
    const reader =
      'node -e \'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const i=JSON.parse(s);' +
      'const dep=i.hook_executor_outputs.scan;' +
      'console.log(JSON.stringify({hookSpecificOutput:{hookEventName:"UserPromptSubmit",additionalContext:"scan said: "+dep.output.hookSpecificOutput.additionalContext+" (exit "+dep.exit_code+")"}}))})\'';
    const result = await run('UserPromptSubmit', PROMPT, [
      { id: 'report', command: reader, after: ['scan'], receivesOutputs: true },
      { id: 'scan', command: printJson({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: '3 findings' } }) },
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).hookSpecificOutput.additionalContext).toBe('scan said: 3 findings (exit 0)\n3 findings');
  });

  it('reports a hook that fails to start (127) and still runs the others', async () => {
    const result = await run('UserPromptSubmit', PROMPT, [
      { id: 'typo', command: 'no-such-command-hx42' },
      { id: 'ctx', command: 'echo context survives' },
    ]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.hookSpecificOutput.additionalContext).toBe('context survives');
    expect(output.systemMessage).toMatch(/^Hook typo failed to start: .*no-such-command-hx42/);
  });

  it('runs module hooks in-process and on the CPU pool (cpu: true)', async () => {
    await writeFile(
      project.file('.claude/hooks.mjs'),
      'import { isMainThread } from "node:worker_threads";\n' +
        'export default (input, ctx) => `${ctx.hookId} main=${isMainThread} prompt=${input.prompt.length}`;\n',
    );
    const result = await run('UserPromptSubmit', PROMPT, [
      { id: 'inline', module: 'hooks.mjs' },
      { id: 'pooled', module: 'hooks.mjs', cpu: true },
    ]);
    const length = (JSON.parse(PROMPT) as { prompt: string }).prompt.length;
    expect(result.stdout).toBe(`inline main=true prompt=${length}\npooled main=false prompt=${length}`);
    expect(result.code).toBe(0);
  });

  it('appends one timing record per hook, with no prompt text in it', async () => {
    await run('UserPromptSubmit', PROMPT, [
      { id: 'a', command: 'true' },
      { id: 'b', command: 'exit 1' },
    ]);
    const log = await readFile(project.file('.claude/memory/hook_performance.jsonl'), 'utf8');
    const records = log.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => [record['hook'], record['outcome'], record['runner'], record['event']])).toEqual([
      ['a', 'ok', 'executor-parallel', 'UserPromptSubmit'],
      ['b', 'error', 'executor-parallel', 'UserPromptSubmit'],
    ]);
    expect(log).not.toContain('marker file');
  });

  describe('with the validated-config cache (every run after the first)', () => {
    it('gives the same results, after chains included', async () => {
      const hooks = [
        { id: 'first', command: printJson({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'one' } }) },
        { id: 'second', command: 'cat > second-input.json; echo two', after: ['first'], receivesOutputs: true },
      ];
      const cold = await run('UserPromptSubmit', PROMPT, hooks);
      expect(await readFile(project.file('.claude/hook-executor/config-cache.json'), 'utf8')).toContain('"source"');
      const warm = await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir });
      expect(warm).toEqual(cold);
      expect(JSON.parse(await readFile(project.file('second-input.json'), 'utf8')).hook_executor_outputs.first.exit_code).toBe(0);
    });

    // One slow hook starts with Node's spawn; with quiet ones to reach the threshold, through the launcher.
    it.each([
      ['spawned by Node', 0],
      ['launched', MIN_LAUNCHED_HOOKS - 3],
    ])('stops hooks it started early (%s) when the input then fails validation', async (_how, quietCount) => {
      const slow = quietCount === 0 ? 1 : 3;
      await project.writeConfig({
        events: {
          PreToolUse: {
            hooks: [
              ...Array.from({ length: slow }, (_, i) => ({
                id: `slow${i}`,
                command: `echo $$ > ${project.file(`hook${i}.pid`)}; sleep 5; touch ${project.file('finished')}`,
              })),
              ...Array.from({ length: quietCount }, (_, i) => ({ id: `quiet${i}`, command: 'true' })),
            ],
          },
        },
      });
      // A first run validates the config and caches it.
      expect((await runBin(['run', '--event', 'Stop'], { input: STOP, cwd: project.dir })).code).toBe(0);
      const input = JSON.parse(PRE_TOOL_USE) as Record<string, unknown>;
      delete input['tool_name'];
      const result = await runBin(['run', '--event', 'PreToolUse'], { input: JSON.stringify(input), cwd: project.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('tool_name: expected string');
      expect(existsSync(project.file('finished'))).toBe(false);
      for (let i = 0; i < slow; i++) {
        if (!existsSync(project.file(`hook${i}.pid`))) continue;
        expect(isRunning(Number((await readFile(project.file(`hook${i}.pid`), 'utf8')).trim()))).toBe(false);
      }
    });

    it('repeats the config warnings on runs that skip validation', async () => {
      const cold = await run('UserPromptSubmit', PROMPT, [{ id: 'slowpoke', command: 'true', timeout: 5000 }]);
      const warm = await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir });
      expect(cold.stderr).toMatch(/warning: .*slowpoke|warning: .*timeout/);
      expect(warm.stderr).toBe(cold.stderr);
    });

    it('sees a changed config at once', async () => {
      await run('UserPromptSubmit', PROMPT, [{ id: 'a', command: 'echo old' }]);
      await project.writeConfig({ events: { UserPromptSubmit: { hooks: [{ id: 'a', command: 'echo new' }] } } });
      expect((await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir })).stdout).toBe('new');
    });
  });

  // A dozen or more first hooks start through the Perl launcher (see hook-launcher.ts) where there
  // is one; WHITEBOX_HOOK_LAUNCHER=0 starts them with Node's spawn. Both must answer alike.
  describe.runIf(process.platform === 'linux' && existsSync('/usr/bin/perl'))('with the hook launcher (a dozen or more first hooks)', () => {
    // Hooks that print nothing, to reach the launcher's threshold.
    const quiet = (count: number) => Array.from({ length: Math.max(0, MIN_LAUNCHED_HOOKS - count) }, (_, i) => ({ id: `quiet${i}`, command: 'true' }));
    const context = (text: string) => printJson({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: text } });
    const withoutLauncher = { WHITEBOX_HOOK_LAUNCHER: '0' };

    it('answers exactly as with Node\'s spawn: order, failures to start, timeouts, after chains', async () => {
      const hooks = [
        { id: 'parent', command: 'echo "started by $(cat /proc/$PPID/comm)"' },
        { id: 'slow', command: `sleep 0.2; ${context('slow, first in order')}` },
        { id: 'typo', command: 'no-such-command-hx42 --flag' },
        { id: 'exec-form', command: 'printf', args: ['%s', 'exec form'] },
        { id: 'hang', command: 'sleep 100', timeout: 0.3 },
        { id: 'chained', command: 'cat > chained-input.json; echo chained', after: ['slow'], receivesOutputs: true },
      ];
      hooks.push(...quiet(5));
      const cold = await run('UserPromptSubmit', PROMPT, hooks);
      const launched = await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir });
      const spawned = await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir, env: withoutLauncher });
      // Everything but the name of the parent process and the measured time.
      const normal = (result: { stdout: string }) => result.stdout.replace(/started by \w+/, 'started by …').replace(/after \d+ ms/, 'after … ms');
      expect(cold.stdout).toContain('started by perl');
      expect(launched.stdout).toContain('started by perl');
      expect(spawned.stdout).toContain('started by node');
      for (const result of [cold, launched, spawned]) {
        expect(result).toMatchObject({ code: 0, stderr: '' });
        expect(normal(result)).toBe(normal(spawned));
      }
      expect(JSON.parse(spawned.stdout)).toEqual({
        systemMessage: expect.stringMatching(/^Hook typo failed to start: .*no-such-command-hx42: not found\nHook hang timed out after \d+ ms/),
        hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'started by node\nslow, first in order\nexec form\nchained' },
      });
      expect(JSON.parse(await readFile(project.file('chained-input.json'), 'utf8')).hook_executor_outputs.slow.exit_code).toBe(0);
    });

    it('leaves a config with a NUL byte in a command to Node\'s spawn, which reports that hook and runs the rest', async () => {
      const hooks = [{ id: 'nul', command: 'printf', args: ['a\u0000b'] }, { id: 'parent', command: 'echo "started by $(cat /proc/$PPID/comm)"' }, ...quiet(2)];
      const result = await run('UserPromptSubmit', PROMPT, hooks);
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout);
      expect(output.hookSpecificOutput.additionalContext).toBe('started by node');
      expect(output.systemMessage).toMatch(/^Hook nul failed to start: .*null bytes/);
    });

    it('reports the hooks it had no descriptors left for, runs the rest, and ends', async () => {
      await project.writeConfig({ events: { UserPromptSubmit: { hooks: Array.from({ length: 21 }, (_, i) => ({ id: `h${i}`, command: `echo ${i}` })) } } });
      await runBin(['run', '--event', 'Stop'], { input: STOP, cwd: project.dir });
      // 64 descriptors: Node needs about 20, and each launched hook 8 while it starts.
      const limited = spawnSync('sh', ['-c', `ulimit -n 64 && exec "${process.execPath}" "${BIN}" run --event UserPromptSubmit`], {
        cwd: project.dir,
        input: PROMPT,
        env: { ...process.env, CLAUDE_PROJECT_DIR: project.dir },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(limited.status).toBe(0);
      const output = JSON.parse(limited.stdout);
      expect(output.systemMessage).toMatch(/^Hook h\d+ failed to start: EMFILE/);
      expect(output.hookSpecificOutput.additionalContext).toMatch(/^0\n1\n2\n/);
    });

    it('kills every launched hook with its process group at its timeout: no grandchild survives', async () => {
      const hooks = [
        ...Array.from({ length: 3 }, (_, i) => ({
          id: `hang${i}`,
          command: `sleep 100 & echo $! > ${project.file(`grandchild${i}.pid`)}; wait`,
          timeout: 0.3,
        })),
        ...quiet(3),
      ];
      await run('UserPromptSubmit', PROMPT, hooks);
      const result = await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir });
      expect(result.code).toBe(1);
      for (let i = 0; i < 3; i++) {
        const pid = Number((await readFile(project.file(`grandchild${i}.pid`), 'utf8')).trim());
        expect(await waitFor(() => !isRunning(pid))).toBe(true);
      }
    });
  });

  describe('bad input', () => {
    const hooks = [{ id: 'a', command: 'true' }];

    it('empty stdin: a clear message and exit 1', async () => {
      const result = await run('PreToolUse', '', hooks);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('hook-executor: Invalid hook input: stdin is empty; expected the JSON object Claude Code writes to a hook\n');
    });

    it('stdin that is not JSON: exit 1', async () => {
      const result = await run('PreToolUse', '{"session_id": ', hooks);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^hook-executor: Invalid hook input: stdin is not JSON/);
    });

    it('an input for another event (a hook registered under the wrong event): exit 1, naming both', async () => {
      const result = await run('PreToolUse', PROMPT, hooks);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('hook_event_name must be "PreToolUse", received string "UserPromptSubmit"');
    });

    it('a missing field: exit 1, naming the field', async () => {
      const input = JSON.parse(PRE_TOOL_USE) as Record<string, unknown>;
      delete input['tool_name'];
      const result = await run('PreToolUse', JSON.stringify(input), hooks);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('tool_name: expected string, received nothing (the field is missing)');
    });

    it('on a fail-closed event, bad stdin blocks: exit 2', async () => {
      const result = await run('PreToolUse', 'not json', [{ id: 'guard', command: 'true', onError: 'block' }]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('PreToolUse is set to fail closed, so this blocks');
    });

    it('an invalid config: exit 1, naming the file and the JSON path', async () => {
      const result = await run('PreToolUse', PRE_TOOL_USE, [{ id: 'a', command: 'true', timeout: 'soon' }]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `hook-executor: ${project.configPath}: events.PreToolUse.hooks[0].timeout: expected number, received string "soon"\n`,
      );
    });

    it('no config file: nothing runs, exit 0', async () => {
      const result = await runBin(['run', '--event', 'PreToolUse'], { input: PRE_TOOL_USE, cwd: project.dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
    });
  });

  it('goes through the full parser for anything else: --help, usage errors', async () => {
    const help = await runBin(['--help'], { cwd: project.dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('hook-executor run');
    const usage = await runBin(['run'], { cwd: project.dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Missing required argument: event');
  });
});
