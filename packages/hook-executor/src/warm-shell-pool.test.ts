import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommandHook } from './run-command-hook.js';
import type { RunCommandHookOptions } from './run-command-hook.js';
import { isRunning, waitFor } from './test-support/fixture-project.js';
import { warmShellPids } from './test-support/warm-shell-pids.js';
import { createWarmShellPool, shellQuote, warmShellLine } from './warm-shell-pool.js';
import type { WarmShell, WarmShellPool } from './warm-shell-pool.js';

const BASE_ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CLAUDE_PROJECT_DIR: '/project' };

let dir: string;
let pool: WarmShellPool;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'warm-shell-'));
  pool = createWarmShellPool({ size: 2, env: BASE_ENV, cwd: dir });
  pool.refill();
});
afterEach(async () => {
  pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** Takes one shell from the pool and counts how often the hook asked for one. */
function options(extra: Partial<RunCommandHookOptions> = {}): RunCommandHookOptions & { taken: () => number } {
  let taken = 0;
  return {
    stdin: '{"hook_event_name":"UserPromptSubmit","prompt":"it\'s\\nfine"}',
    env: { ...BASE_ENV },
    cwd: dir,
    timeoutMs: 10_000,
    maxOutputBytes: 1024 * 1024,
    warmShell: () => {
      const shell = pool.take();
      if (shell !== undefined) taken += 1;
      return shell;
    },
    taken: () => taken,
    ...extra,
  };
}

describe('shellQuote', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it'\\''s'"],
    ['$HOME `x` "y"', "'$HOME `x` \"y\"'"],
    ['a\nb', "'a'\"$nl\"'b'"],
  ])('quotes %j on one line', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});

describe('warmShellLine', () => {
  const shell = { env: { PATH: '/bin', GONE: '1' } } as unknown as WarmShell;
  it('changes directory, exports what differs, unsets what is gone, then execs', () => {
    expect(warmShellLine(shell, ['node', 'x.js'], { PATH: '/bin', NEW: "a'b" }, '/w d')).toBe(
      "cd '/w d' || exit 127; export NEW='a'\\''b'; unset GONE; exec 'node' 'x.js'",
    );
  });
  it('gives up on a variable name the shell cannot export', () => {
    expect(warmShellLine(shell, ['true'], { PATH: '/bin', GONE: '1', 'odd-name': 'x' }, '/')).toBeUndefined();
  });
  it('gives up on a NUL byte anywhere, which a shell line cannot carry', () => {
    const env = { PATH: '/bin', GONE: '1' };
    expect(warmShellLine(shell, ['printf', 'a\0b'], env, '/')).toBeUndefined();
    expect(warmShellLine(shell, ['true'], { ...env, A: 'x\0' }, '/')).toBeUndefined();
    expect(warmShellLine(shell, ['true'], env, '/tmp\0x')).toBeUndefined();
  });
});

describe('runCommandHook with a warm shell', () => {
  it('runs the hook in the shell it took: stdin, stdout, stderr, exit code and environment as if spawned', async () => {
    const opts = options({ env: { ...BASE_ENV, HOOK_SETTING: 'on' } });
    const outcome = await runCommandHook({ command: 'cat; echo "[$HOOK_SETTING] $(pwd)"; echo oops >&2; exit 3' }, opts);
    expect(opts.taken()).toBe(1);
    expect(outcome).toMatchObject({ exitCode: 3, failedToStart: false, stderr: 'oops\n' });
    expect(outcome.stdout).toBe(`{"hook_event_name":"UserPromptSubmit","prompt":"it's\\nfine"}[on] ${dir}\n`);
  });

  it('runs exec form and multi-line commands', async () => {
    const exec = await runCommandHook({ command: 'printf', args: ['%s|', 'a b', "c'd"] }, options());
    const lines = await runCommandHook({ command: 'echo one\necho two' }, options());
    expect(exec.stdout).toBe("a b|c'd|");
    expect(lines.stdout).toBe('one\ntwo\n');
  });

  it('reports a missing command as failed to start (127), as the shell does', async () => {
    const outcome = await runCommandHook({ command: 'no-such-command-hx42 --flag' }, options());
    expect(outcome).toMatchObject({ exitCode: 127, failedToStart: true });
    expect(outcome.error).toMatch(/no-such-command-hx42.*not found/);
  });

  it('reports a missing working directory as failed to start', async () => {
    const outcome = await runCommandHook({ command: 'true' }, options({ cwd: path.join(dir, 'missing') }));
    expect(outcome.failedToStart).toBe(true);
  });

  it('kills the whole process group at the timeout', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const outcome = await runCommandHook({ command: `sleep 30 & echo $! > ${pidFile}; wait` }, options({ timeoutMs: 300 }));
    expect(outcome.stopped).toBe('timeout');
    expect(isRunning(Number((await readFile(pidFile, 'utf8')).trim()))).toBe(false);
  });

  it('spawns as usual when the pool is empty', async () => {
    pool.close();
    const opts = options();
    const outcome = await runCommandHook({ command: 'echo spawned' }, opts);
    expect(opts.taken()).toBe(0);
    expect(outcome.stdout).toBe('spawned\n');
  });
});

describe('createWarmShellPool', () => {
  it('keeps `size` shells ready, starting one per turn of the event loop', async () => {
    await waitFor(async () => pool.ready === 2);
    const taken = [pool.take(), pool.take()];
    expect(taken.every((shell) => shell !== undefined)).toBe(true);
    expect(pool.take()).toBeUndefined();
    // Unused, they exit once their stdin closes.
    for (const shell of taken) shell?.child.stdin?.end();
    pool.refill();
    // One at once, the next on a later turn: a request arriving meanwhile waits for one fork only.
    expect(pool.ready).toBe(1);
    await waitFor(async () => pool.ready === 2);
    expect(pool.ready).toBe(2);
  });

  it.runIf(process.platform === 'linux')('stops idle shells on resize and close, leaving no process behind', async () => {
    // Shells of the tests before exit once their pools close them; wait for those to go.
    await waitFor(async () => (await warmShellPids()).length === 2);
    expect(await warmShellPids()).toHaveLength(2);
    pool.resize(1);
    await waitFor(async () => (await warmShellPids()).length === 1);
    pool.close();
    await waitFor(async () => (await warmShellPids()).length === 0);
    expect(await warmShellPids()).toEqual([]);
  });

  it('rejects a negative size', () => {
    expect(() => pool.resize(-1)).toThrow(TypeError);
  });
});
