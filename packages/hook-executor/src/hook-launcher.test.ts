import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOOK_LAUNCHER_ENV_VAR, isLaunchable, LAUNCHER_GONE, LAUNCHER_UNAVAILABLE, startHookLauncher } from './hook-launcher.js';
import type { LaunchedHook } from './hook-launcher.js';
import { isRunning, waitFor } from './test-support/fixture-project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hook-launcher-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PATH = process.env['PATH'] ?? '/usr/bin:/bin';
const hasLauncher = startHookLauncher({ env: { PATH } }) !== undefined;

interface Collected {
  readonly pid: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly exit?: readonly [number | null, NodeJS.Signals | null];
  readonly error?: NodeJS.ErrnoException;
}

/** Everything a launched hook reports, once it has closed or failed to start. */
function collect(hook: LaunchedHook): Promise<Collected> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  hook.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  hook.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const text = () => ({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
  return new Promise((resolve) => {
    hook.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      resolve({ pid: hook.pid, ...text(), exit: [code, signal] });
      hook.stdout.destroy();
      hook.stderr.destroy();
    });
    hook.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ pid: hook.pid, ...text(), error });
      hook.stdout.destroy();
      hook.stderr.destroy();
    });
  });
}

function launcher(env: Record<string, string | undefined> = { PATH }) {
  const started = startHookLauncher({ env });
  if (started === undefined) throw new Error('no launcher here');
  return started;
}

describe.runIf(hasLauncher)('startHookLauncher', () => {
  it('starts every request with its argv, cwd, input and environment, and reports output and exit codes', async () => {
    const hooks = launcher({ PATH, KEPT: 'from the launcher', DROPPED: 'gone' }).launch(
      Array.from({ length: 21 }, (_, i) => ({
        argv: ['sh', '-c', `read -r line; printf '%s|%s|%s|%s|%s' "$line" "$PWD" "$KEPT" "\${DROPPED-unset}" "$OWN"; echo "err ${i}" >&2; exit ${i % 4}`],
        cwd: dir,
        env: { OWN: `hook ${i}` },
      })),
      { env: { PATH, KEPT: 'for the hooks' }, stdin: '{"n":1}\n' },
    );
    const results = await Promise.all(hooks.map(collect));
    results.forEach((result, i) => {
      expect(result.stdout).toBe(`{"n":1}|${dir}|for the hooks|unset|hook ${i}`);
      expect(result.stderr).toBe(`err ${i}\n`);
      expect(result.exit).toEqual([i % 4, null]);
    });
    expect(new Set(results.map((result) => result.pid)).size).toBe(21);
  });

  it.runIf(process.platform === 'linux')('makes every process the leader of its own process group', async () => {
    const [hook] = launcher().launch([{ argv: ['sh', '-c', 'cut -d" " -f5 /proc/$$/stat'], cwd: dir }], { env: { PATH }, stdin: '' });
    const result = await collect(hook as LaunchedHook);
    expect(Number(result.stdout.trim())).toBe(result.pid);
  });

  it('delivers an input larger than a pipe buffer to every process', async () => {
    const input = 'x'.repeat(300_000);
    const hooks = launcher().launch(
      Array.from({ length: 3 }, () => ({ argv: ['wc', '-c'], cwd: dir })),
      { env: { PATH }, stdin: input },
    );
    for (const result of await Promise.all(hooks.map(collect))) expect(result.stdout.trim()).toBe('300000');
  });

  it('reports a program or working directory that is not there as spawn does: an error with its code, the others still run', async () => {
    const [missing, noDir, fine] = launcher().launch(
      [
        { argv: ['no-such-program-hx42'], cwd: dir },
        { argv: ['true'], cwd: path.join(dir, 'missing') },
        { argv: ['echo', 'ran'], cwd: dir },
      ],
      { env: { PATH }, stdin: '' },
    );
    const [a, b, c] = await Promise.all([missing, noDir, fine].map((hook) => collect(hook as LaunchedHook)));
    expect(a?.error).toMatchObject({ code: 'ENOENT', message: 'spawn no-such-program-hx42 ENOENT' });
    expect(b?.error?.code).toBe('ENOENT');
    expect(c).toMatchObject({ stdout: 'ran\n', exit: [0, null] });
  });

  it('reports death by a signal with the signal name', async () => {
    const [hook] = launcher().launch([{ argv: ['sh', '-c', 'kill -TERM $$'], cwd: dir }], { env: { PATH }, stdin: '' });
    expect((await collect(hook as LaunchedHook)).exit).toEqual([null, 'SIGTERM']);
  });

  it('kill() signals the whole process group, even when asked before the fork is reported', async () => {
    const [hook] = launcher().launch([{ argv: ['sh', '-c', 'sleep 100 & echo $!; wait'], cwd: dir }], { env: { PATH }, stdin: '' });
    const launched = hook as LaunchedHook;
    const grandchild = new Promise<number>((resolve) => launched.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    const result = collect(launched);
    const pid = await grandchild;
    launched.kill('SIGKILL');
    expect((await result).exit).toEqual([null, 'SIGKILL']);
    expect(await waitFor(() => !isRunning(pid))).toBe(true);

    const [early] = launcher().launch([{ argv: ['sleep', '100'], cwd: dir }], { env: { PATH }, stdin: '' });
    (early as LaunchedHook).kill('SIGKILL');
    expect((await collect(early as LaunchedHook)).exit).toEqual([null, 'SIGKILL']);
  });

  it('runs without Perl settings that could break it, and hands them back to the hooks', async () => {
    const env = { PATH, PERL5OPT: '-MNo::Such::Module', PERL_UNICODE: 'SDA' };
    const [hook] = launcher(env).launch([{ argv: ['sh', '-c', 'printf "%s %s" "$PERL5OPT" "$PERL_UNICODE"'], cwd: dir }], { env, stdin: '' });
    expect(await collect(hook as LaunchedHook)).toMatchObject({ stdout: '-MNo::Such::Module SDA', exit: [0, null] });
  });

  it.runIf(process.platform === 'linux')('fails every unfinished hook, and kills its group, when the launcher itself dies', async () => {
    const started = launcher();
    const hooks = started.launch(
      Array.from({ length: 3 }, () => ({ argv: ['sleep', '100'], cwd: dir })),
      { env: { PATH }, stdin: '' },
    );
    await Promise.all(hooks.map((hook) => hook.running));
    const pids = hooks.map((hook) => hook.pid as number);
    // The launcher leads its own process group, like the hooks; find it as their parent.
    const launcherPid = Number(readFileSync(`/proc/${pids[0]}/stat`, 'utf8').split(' ')[3]);
    process.kill(launcherPid, 'SIGKILL');
    for (const result of await Promise.all(hooks.map(collect))) {
      expect(result.error).toMatchObject({ code: LAUNCHER_GONE, message: expect.stringMatching(/the hook launcher ended early \(SIGKILL\)/) });
    }
    for (const pid of pids) expect(await waitFor(() => !isRunning(pid))).toBe(true);
  });

  it('fails its hooks as never started when the launcher cannot run (a broken Perl)', async () => {
    const broken = startHookLauncher({ env: { PATH }, perl: '/bin/false' });
    const hooks = (broken as NonNullable<typeof broken>).launch(
      Array.from({ length: 2 }, () => ({ argv: ['true'], cwd: dir })),
      { env: { PATH }, stdin: '{}' },
    );
    for (const result of await Promise.all(hooks.map(collect))) {
      expect(result.error).toMatchObject({ code: LAUNCHER_UNAVAILABLE, message: 'the hook launcher ended early (exit 1)' });
    }
  });

  it('refuses a request with a NUL byte, which would shift every field after it', () => {
    const started = launcher();
    expect(isLaunchable({ argv: ['echo', 'a\0b'], cwd: dir })).toBe(false);
    expect(isLaunchable({ argv: ['echo'], cwd: dir, env: { A: 'x\0' } })).toBe(false);
    expect(isLaunchable({ argv: ['echo', 'ab'], cwd: dir, env: { A: 'x' } })).toBe(true);
    expect(() => started.launch([{ argv: ['true'], cwd: dir }, { argv: ['echo', 'a\0b'], cwd: dir }], { env: { PATH }, stdin: '' })).toThrow(
      /request 1 to have no NUL byte/,
    );
    started.cancel();
  });

  it('exits at once when cancelled, and launches one batch only', async () => {
    const started = launcher();
    started.cancel();
    expect(() => started.launch([{ argv: ['true'], cwd: dir }], { env: { PATH }, stdin: '' })).toThrow(TypeError);
    const again = launcher();
    const [hook] = again.launch([{ argv: ['true'], cwd: dir }], { env: { PATH }, stdin: '' });
    const done = collect(hook as LaunchedHook);
    expect(() => again.launch([{ argv: ['true'], cwd: dir }], { env: { PATH }, stdin: '' })).toThrow(/one batch/);
    const unused = launcher();
    expect(() => unused.launch([], { env: { PATH }, stdin: '' })).toThrow(/got 0/);
    unused.cancel();
    expect((await done).exit).toEqual([0, null]);
  });
});

describe('startHookLauncher without a launcher', () => {
  it(`returns undefined under ${HOOK_LAUNCHER_ENV_VAR}=0 and without Perl, so the caller spawns as usual`, () => {
    expect(startHookLauncher({ env: { PATH, [HOOK_LAUNCHER_ENV_VAR]: '0' } })).toBeUndefined();
    expect(startHookLauncher({ env: { PATH }, perl: path.join(dir, 'no-perl') })).toBeUndefined();
  });
});
