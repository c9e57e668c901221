import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { BoundedOutput } from './bounded-output.js';
import { parseSimpleCommand } from './simple-command.js';
import { LAUNCHER_UNAVAILABLE } from './hook-launcher.js';
import type { LaunchedHook } from './hook-launcher.js';
import { warmShellLine } from './warm-shell-pool.js';
import type { WarmShell } from './warm-shell-pool.js';
import { monotonicNow } from './monotonic-now.js';

/** What to run: shell form (`command`) or exec form (`command` + `args`). */
export interface CommandHookSpec {
  /** The shell command, or the executable when `args` is set. */
  readonly command: string;
  /** Exec form: the argument vector; no shell. */
  readonly args?: readonly string[] | undefined;
  /** The shell for the shell form. @default 'sh' */
  readonly shell?: string | undefined;
}

/** Options for {@link runCommandHook}. */
export interface RunCommandHookOptions {
  /** Written to the hook's stdin, which is then closed. */
  readonly stdin: string;
  /** The complete environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The working directory. */
  readonly cwd: string;
  /** Milliseconds before the hook's process group is killed; `Infinity` for none. */
  readonly timeoutMs: number;
  /** Bytes kept of stdout and of stderr, each. */
  readonly maxOutputBytes: number;
  /**
   * Aborting it kills the process group at once. The result's `stopped` is `'timeout'` when the
   * reason is the string `'deadline'`, otherwise `'cancelled'`.
   */
  readonly signal?: AbortSignal | undefined;
  /** Clock for `durationMs`. @default monotonicNow */
  readonly now?: () => number;
  /** Takes a shell started in advance (the server's pool), so that starting the hook forks nothing here. */
  readonly warmShell?: (() => WarmShell | undefined) | undefined;
  /** The process a `HookLauncher` started for {@link commandHookArgv} of this spec, instead of a spawn here. */
  readonly launched?: LaunchedHook | undefined;
}

/** What one command hook did. */
export interface CommandHookOutcome {
  /** The exit code; `null` when killed by a signal or never started. */
  readonly exitCode: number | null;
  /** The signal that ended it, if any. */
  readonly exitSignal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Bytes written in all, including any dropped past `maxOutputBytes`. */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** Spawn to exit, in milliseconds. */
  readonly durationMs: number;
  /** Wall-clock start, epoch milliseconds. */
  readonly startedAtEpochMs: number;
  /** Could not be started: spawn failed, or the shell reported 126/127 (not executable / not found). */
  readonly failedToStart: boolean;
  /** Killed by the executor: at its timeout or the deadline (`timeout`), or by a short-circuit (`cancelled`). */
  readonly stopped?: 'timeout' | 'cancelled';
  /** Why it failed to start or was stopped. */
  readonly error?: string;
  /** The process id, when it started. */
  readonly pid?: number;
}

// setTimeout fires at once for delays above 2^31 - 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
// After the hook exits, how long to wait for pipes still held open by a background grandchild.
const PIPE_GRACE_MS = 50;
// A process that survives SIGKILL (uninterruptible sleep) must not hold the event up forever.
const KILL_GRACE_MS = 2_000;

/**
 * Runs one command hook as Claude Code does: a child process in its own session and process group
 * (no controlling terminal), the input on stdin, stdout and stderr captured. At its timeout, or when
 * `signal` aborts, the whole process group gets SIGKILL, so a hook's own children (a `sleep` in a
 * shell script, a language server it started) go with it, and the child is reaped before this
 * resolves. Capture is bounded: bytes past `maxOutputBytes` are read and dropped.
 *
 * The shell form goes through `sh -c` unless it is a plain simple command (see
 * `parseSimpleCommand`), which starts directly: same process, same result, one process fewer.
 *
 * Never rejects: a failure to start is a result with `failedToStart: true`.
 */
export async function runCommandHook(spec: CommandHookSpec, options: RunCommandHookOptions): Promise<CommandHookOutcome> {
  const { argv, viaShell, simple } = commandHookArgv(spec);
  const shell = options.warmShell?.();
  if (shell !== undefined) {
    const line = warmShellLine(shell, argv, options.env, options.cwd);
    if (line !== undefined) return (await spawnHook('sh', [], { viaShell: true, warm: { shell, line } }, options)).result;
    shell.child.stdin?.end();
  }
  let outcome = await spawnHook(argv[0] as string, argv.slice(1), { viaShell, launched: options.launched }, options);
  // The launcher failed before this hook ran (a broken Perl, say): start it here instead.
  if (outcome.spawnErrorCode === LAUNCHER_UNAVAILABLE) outcome = await spawnHook(argv[0] as string, argv.slice(1), { viaShell }, options);
  // Not found or not executable: let the shell say so in its own words, with its 127 or 126.
  if (!simple || !outcome.spawnErrorCode?.match(/^(?:ENOENT|EACCES|ENOEXEC)$/)) return outcome.result;
  return (await spawnHook(spec.shell ?? 'sh', ['-c', spec.command], { viaShell: true }, options)).result;
}

/**
 * The outcome of a hook with no process behind it (never started, or not a process at all): no
 * exit, no output, started now, then `fields` on top.
 */
export function outcomeWithoutProcess(fields: Partial<CommandHookOutcome> = {}): CommandHookOutcome {
  return {
    exitCode: null,
    exitSignal: null,
    stdout: '',
    stderr: '',
    stdoutBytes: 0,
    stderrBytes: 0,
    durationMs: 0,
    startedAtEpochMs: Date.now(),
    failedToStart: false,
    ...fields,
  };
}

/** How {@link commandHookArgv} starts a hook. */
export interface CommandHookArgv {
  /** What to execute; `argv[0]` is looked up on `PATH`. */
  readonly argv: readonly [string, ...string[]];
  /** Through a shell, whose 127 and 126 mean "not found" and "not executable". */
  readonly viaShell: boolean;
  /** A plain simple command executed without its shell, which takes over when it is not found. */
  readonly simple: boolean;
}

/**
 * The argument vector for a command hook: exec form as given, a plain simple command (see
 * `parseSimpleCommand`) directly, anything else through `sh -c` (or the hook's `shell`).
 */
export function commandHookArgv(spec: CommandHookSpec): CommandHookArgv {
  if (spec.args !== undefined) return { argv: [spec.command, ...spec.args], viaShell: false, simple: false };
  const words = spec.shell === undefined ? parseSimpleCommand(spec.command) : undefined;
  if (words !== undefined) return { argv: words as [string, ...string[]], viaShell: false, simple: true };
  return { argv: [spec.shell ?? 'sh', '-c', spec.command], viaShell: true, simple: false };
}

/** One process, started and collected; `spawnErrorCode` is set when it never started. */
function spawnHook(
  file: string,
  argv: readonly string[],
  {
    viaShell,
    warm,
    launched,
  }: {
    readonly viaShell: boolean;
    readonly warm?: { readonly shell: WarmShell; readonly line: string };
    readonly launched?: LaunchedHook | undefined;
  },
  options: RunCommandHookOptions,
): Promise<{ readonly result: CommandHookOutcome; readonly spawnErrorCode?: string }> {
  const now = options.now ?? monotonicNow;
  const started = now();
  const startedAtEpochMs = Date.now();
  const stdout = new BoundedOutput(options.maxOutputBytes);
  const stderr = new BoundedOutput(options.maxOutputBytes);

  return new Promise((resolve) => {
    let child: ChildProcess | LaunchedHook;
    let settled = false;
    let stopped: 'timeout' | 'cancelled' | undefined;
    let spawnError: string | undefined;
    let spawnErrorCode: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      const stderrText = stderr.text();
      const notFound = spawnError === undefined && stopped === undefined && viaShell && (exitCode === 127 || exitCode === 126);
      const failedToStart = spawnError !== undefined || notFound;
      const error =
        spawnError ??
        (notFound ? (firstLine(stderrText) ?? `exit ${exitCode}`) : undefined) ??
        (stopped === 'timeout' ? 'killed at its timeout' : stopped === 'cancelled' ? 'cancelled' : undefined);
      const result: CommandHookOutcome = {
        exitCode,
        exitSignal,
        stdout: stdout.text(),
        stderr: stderrText,
        stdoutBytes: stdout.totalBytes,
        stderrBytes: stderr.totalBytes,
        durationMs: now() - started,
        startedAtEpochMs,
        failedToStart,
        ...(stopped !== undefined && { stopped }),
        ...(error !== undefined && { error }),
        ...(child.pid !== undefined && { pid: child.pid }),
      };
      resolve(spawnErrorCode === undefined ? { result } : { result, spawnErrorCode });
    };

    const killGroup = (why: 'timeout' | 'cancelled'): void => {
      if (settled || stopped !== undefined) return;
      stopped = why;
      const pid = child.pid;
      try {
        // Negative pid: the whole process group the detached child leads. A launched hook without
        // a pid yet is signalled by the launcher's fork.
        if (pid === undefined) child.kill('SIGKILL');
        else process.kill(-pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      graceTimer = setTimeout(() => finish(null, 'SIGKILL'), KILL_GRACE_MS);
    };

    function onAbort(): void {
      killGroup(options.signal?.reason === 'deadline' ? 'timeout' : 'cancelled');
    }

    try {
      child = warm?.shell.child ?? launched ?? spawn(file, argv, {
        cwd: options.cwd,
        env: options.env,
        // detached = setsid(): a new session and process group, and no controlling terminal.
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      // spawn throws synchronously only for invalid arguments (e.g. a NUL byte in the command).
      resolve({ result: outcomeWithoutProcess({ durationMs: now() - started, startedAtEpochMs, failedToStart: true, error: (error as Error).message }) });
      return;
    }

    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => {
      // ENOENT/EACCES for a missing executable or cwd; the child never ran.
      spawnErrorCode = error.code ?? 'error';
      spawnError = `${spawnErrorCode}: ${error.message}`;
      finish(null, null);
    });
    // 'close' comes once the child has exited and both pipes are closed: the normal end.
    child.once('close', (code, exitSignal) => finish(code, exitSignal));
    child.once('exit', (code, exitSignal) => {
      // A background grandchild may still hold the pipes open; give buffered output a moment, then stop reading.
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      graceTimer = setTimeout(() => finish(code, exitSignal), PIPE_GRACE_MS);
    });

    child.stdin?.on('error', () => {
      // EPIPE: the hook exited or closed stdin without reading it, which is its right.
    });
    // A warm shell reads its line byte by byte, leaving the rest of stdin to the hook it becomes.
    child.stdin?.end(warm === undefined ? options.stdin : `${warm.line}\n${options.stdin}`);

    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs <= MAX_TIMER_MS) timer = setTimeout(() => killGroup('timeout'), options.timeoutMs);
  });
}

function firstLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '');
}
