import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHookLauncher } from './hook-launcher.js';
import { commandHookArgv, runCommandHook } from './run-command-hook.js';
import type { CommandHookOutcome, CommandHookSpec, RunCommandHookOptions } from './run-command-hook.js';
import { isRunning, waitFor } from './test-support/fixture-project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'run-command-hook-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (extra: Partial<RunCommandHookOptions> = {}): RunCommandHookOptions => ({
  stdin: '{"hook_event_name":"Stop"}',
  env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
  cwd: dir,
  timeoutMs: 10_000,
  maxOutputBytes: 1024 * 1024,
  ...extra,
});

/** `runCommandHook` with the process started by the Perl launcher, as `run` starts its first hooks. */
function runLaunched(spec: CommandHookSpec, options: RunCommandHookOptions): Promise<CommandHookOutcome> {
  const launcher = startHookLauncher({ env: options.env });
  if (launcher === undefined) throw new Error('no launcher here (needs /usr/bin/perl on Linux or macOS)');
  const [launched] = launcher.launch([{ argv: commandHookArgv(spec).argv, cwd: options.cwd }], { env: options.env, stdin: options.stdin });
  return runCommandHook(spec, { ...options, launched });
}

const hasLauncher = startHookLauncher({ env: {} }) !== undefined;
// Every behaviour holds for both ways of starting a hook.
const starters = [
  ['spawned by Node', runCommandHook],
  ...(hasLauncher ? [['started by the hook launcher', runLaunched] as const] : []),
] as const;

describe.each(starters)('runCommandHook, %s', (_how, runCommandHook) => {
  it('runs the shell form with the input on stdin, the environment and the working directory', async () => {
    const outcome = await runCommandHook(
      { command: 'read -r line; printf "%s|%s|%s" "$line" "$GREETING" "$(pwd)"; echo oops >&2; exit 3' },
      options({ env: { PATH: process.env['PATH'] ?? '', GREETING: 'hi' } }),
    );
    expect(outcome.stdout).toBe(`{"hook_event_name":"Stop"}|hi|${dir}`);
    expect(outcome.stderr).toBe('oops\n');
    expect(outcome.exitCode).toBe(3);
    expect(outcome.failedToStart).toBe(false);
    expect(outcome.stopped).toBeUndefined();
  });

  it('runs the exec form without a shell, so shell syntax reaches the program untouched', async () => {
    const outcome = await runCommandHook({ command: 'printf', args: ['%s', '$HOME; echo not-a-shell'] }, options());
    expect(outcome.stdout).toBe('$HOME; echo not-a-shell');
    expect(outcome.exitCode).toBe(0);
  });

  it('uses the configured shell for the shell form', async () => {
    const outcome = await runCommandHook({ command: 'echo "$0"', shell: 'bash' }, options());
    expect(outcome.stdout.trim()).toBe('bash');
  });

  it('reports a command the shell cannot find (127) as failed to start, with the shell message', async () => {
    const outcome = await runCommandHook({ command: 'no-such-command-hx42' }, options());
    expect(outcome.exitCode).toBe(127);
    expect(outcome.failedToStart).toBe(true);
    expect(outcome.error).toMatch(/no-such-command-hx42.*not found/);
  });

  it('reports a missing executable in exec form as failed to start', async () => {
    const outcome = await runCommandHook({ command: 'no-such-command-hx42', args: [] }, options());
    expect(outcome.exitCode).toBeNull();
    expect(outcome.failedToStart).toBe(true);
    expect(outcome.error).toMatch(/ENOENT/);
  });

  it('reports a missing working directory as failed to start', async () => {
    const outcome = await runCommandHook({ command: 'true' }, options({ cwd: path.join(dir, 'missing') }));
    expect(outcome.failedToStart).toBe(true);
  });

  it('kills the whole process group at the timeout, grandchildren included, and leaves no zombie', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const outcome = await runCommandHook(
      { command: `sleep 100 & echo $! > ${pidFile}; echo started; wait` },
      options({ timeoutMs: 300 }),
    );
    expect(outcome.stopped).toBe('timeout');
    expect(outcome.exitCode).toBeNull();
    expect(outcome.exitSignal).toBe('SIGKILL');
    const shellPid = outcome.pid as number;
    const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await waitFor(() => !isRunning(grandchild))).toBe(true);
    expect(isRunning(shellPid)).toBe(false);
  });

  it('kills the process group when the signal aborts, as a timeout for the deadline and as a cancel otherwise', async () => {
    const deadline = new AbortController();
    const pending = runCommandHook({ command: 'sleep 100' }, options({ signal: deadline.signal }));
    setTimeout(() => deadline.abort('deadline'), 50);
    expect((await pending).stopped).toBe('timeout');

    const cancel = new AbortController();
    cancel.abort('short-circuit');
    const cancelled = await runCommandHook({ command: 'sleep 100' }, options({ signal: cancel.signal }));
    expect(cancelled.stopped).toBe('cancelled');
  });

  it('keeps at most maxOutputBytes of 100 MB of output and counts the rest', async () => {
    const outcome = await runCommandHook(
      { command: 'head -c 100000000 /dev/zero | tr "\\0" a; echo done >&2' },
      options({ maxOutputBytes: 64 * 1024 }),
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdoutBytes).toBe(100_000_000);
    expect(outcome.stdout.length).toBe(64 * 1024);
    expect(outcome.stderr).toBe('done\n');
  });

  it('does not fail when the hook never reads its stdin', async () => {
    const outcome = await runCommandHook({ command: 'exit 0' }, options({ stdin: 'x'.repeat(1024 * 1024) }));
    expect(outcome.exitCode).toBe(0);
  });

  it('returns once the hook exits even when a background grandchild keeps its pipes open', async () => {
    const pidFile = path.join(dir, 'bg.pid');
    const outcome = await runCommandHook({ command: `sleep 30 & echo $! > ${pidFile}; echo hi` }, options());
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toBe('hi\n');
    process.kill(Number((await readFile(pidFile, 'utf8')).trim()), 'SIGKILL');
  });
});

describe.runIf(hasLauncher)('runCommandHook with a launcher that cannot run', () => {
  it('spawns the hook itself: it never started, so it runs once, as usual', async () => {
    const broken = startHookLauncher({ env: { PATH: process.env['PATH'] ?? '' }, perl: '/bin/false' });
    const spec = { command: 'read -r line; printf "ran with %s" "$line"' };
    const opts = options();
    const [launched] = (broken as NonNullable<typeof broken>).launch([{ argv: commandHookArgv(spec).argv, cwd: dir }], { env: opts.env, stdin: opts.stdin });
    const outcome = await runCommandHook(spec, { ...opts, launched });
    expect(outcome).toMatchObject({ exitCode: 0, failedToStart: false, stdout: 'ran with {"hook_event_name":"Stop"}' });
  });
});

describe.each(starters)('runCommandHook, %s: simple commands start without a shell', (_how, runCommandHook) => {
  // Prints the name of the process that started it: `sh` when run through the shell.
  const parentName = () => writeFile(path.join(dir, 'parent-name'), '#!/bin/sh\ncat /proc/$PPID/comm\n', { mode: 0o755 });

  it.runIf(process.platform === 'linux')('runs a plain command directly, and a command with shell syntax through sh', async () => {
    await parentName();
    const direct = await runCommandHook({ command: `${dir}/parent-name` }, options());
    const shell = await runCommandHook({ command: `${dir}/parent-name; true` }, options());
    expect(direct.exitCode).toBe(0);
    expect(direct.stdout.trim()).not.toBe('sh');
    expect(shell.stdout.trim()).toBe('sh');
  });

  it("still reports a missing simple command in the shell's words, as exit 127", async () => {
    const outcome = await runCommandHook({ command: 'no-such-command-hx42 --flag' }, options());
    expect(outcome).toMatchObject({ exitCode: 127, failedToStart: true });
    expect(outcome.error).toMatch(/no-such-command-hx42.*not found/);
  });

  it('reports a file that is not executable as the shell does (126)', async () => {
    await writeFile(path.join(dir, 'not-executable'), '#!/bin/sh\necho never\n', { mode: 0o644 });
    const outcome = await runCommandHook({ command: `${dir}/not-executable` }, options());
    expect(outcome).toMatchObject({ exitCode: 126, failedToStart: true, stdout: '' });
  });
});
