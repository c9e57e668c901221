import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/**
 * A shell started ahead of time, waiting on its stdin for one line that says what to run. Its
 * stdio pipes, session and process group are the hook's once it `exec`s the hook.
 */
export interface WarmShell {
  readonly child: ChildProcess;
  /** The environment it was started with; the line exports the differences. */
  readonly env: Readonly<Record<string, string>>;
}

/** Options for {@link createWarmShellPool}. */
export interface WarmShellPoolOptions {
  /** Shells to keep ready. @default 0 (none until {@link WarmShellPool.resize}) */
  readonly size?: number;
  /** Their environment: the hooks' common one. */
  readonly env: Readonly<Record<string, string>>;
  /** Their starting directory; each line `cd`s to the hook's own. */
  readonly cwd: string;
}

/** See {@link createWarmShellPool}. */
export interface WarmShellPool {
  /** A ready shell, or `undefined` when none is left (the caller then spawns as usual). */
  take(): WarmShell | undefined;
  /** Starts shells, one per event-loop turn, until `size` are ready. Spawning costs the main thread: call it when idle. */
  refill(): void;
  /** Changes how many shells are kept ready; extra idle ones are stopped. */
  resize(size: number): void;
  /** Idle shells ready now. */
  readonly ready: number;
  /** Stops the idle shells. */
  close(): void;
}

// `nl` lets a line carry newlines (see `shellQuote`); a shell whose stdin closes first exits 0.
const SCRIPT = "nl='\n'; IFS= read -r line || exit 0; eval \"$line\"";

/**
 * Shells that start hooks without a fork of the server. Node forks its whole process to start a
 * child, synchronously on the main thread: about 1 ms per hook for a 60 MB server here, so 21
 * hooks wait 25 ms before the last one starts, where `xargs` needs a millisecond. A warm shell is
 * forked in advance, and starting a hook is one write to its stdin: `cd`, `export`, `exec`. Like
 * Apache's prefork workers or Chromium's zygote, the expensive part happens between requests.
 *
 * The shells are `sh` in their own session and process group (as `detached` hooks are), and exit
 * by themselves when the server dies, since their stdin then closes.
 */
export function createWarmShellPool(options: WarmShellPoolOptions): WarmShellPool {
  let size = options.size ?? 0;
  const idle: WarmShell[] = [];
  let closed = false;
  let scheduled = false;

  const start = (): WarmShell | undefined => {
    try {
      const child = spawn('sh', ['-c', SCRIPT], { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      // A shell that dies while idle (or never started) is dropped when taken; its errors are not ours.
      child.on('error', () => {});
      child.stdin?.on('error', () => {});
      return { child, env: options.env };
    } catch {
      return undefined;
    }
  };
  const alive = (shell: WarmShell): boolean =>
    shell.child.pid !== undefined && shell.child.exitCode === null && shell.child.signalCode === null && shell.child.stdin?.writable === true;
  const stop = (shell: WarmShell): void => {
    shell.child.stdin?.end();
  };

  // One shell per call and per turn of the event loop, so that a request arriving meanwhile waits
  // for one fork, not twenty, and takes whatever is ready by then.
  function refill(): void {
    if (closed || idle.length >= size) return;
    const shell = start();
    if (shell === undefined) return;
    idle.push(shell);
    if (!scheduled && idle.length < size) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        refill();
      });
    }
  }

  return {
    take() {
      while (idle.length > 0) {
        const shell = idle.shift() as WarmShell;
        if (alive(shell)) return shell;
      }
      return undefined;
    },
    refill,
    resize(next) {
      if (!Number.isSafeInteger(next) || next < 0) throw new TypeError(`Expected \`size\` to be an integer ≥ 0, got \`${String(next)}\``);
      size = next;
      for (const shell of idle.splice(size)) stop(shell);
    },
    get ready() {
      return idle.filter(alive).length;
    },
    close() {
      closed = true;
      for (const shell of idle.splice(0)) stop(shell);
    },
  };
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The line a warm shell runs to become `argv` in `cwd` with `env`: `cd`, then `export` and `unset`
 * for what differs from the shell's own environment, then `exec`. `undefined` when the
 * environment has a name the shell cannot export, or anything holds a NUL byte, which a shell
 * cannot carry (the caller then spawns as usual, and spawn names the bad value). A `cd` that fails
 * exits 127, which reads as "failed to start" like a missing command.
 */
export function warmShellLine(
  shell: WarmShell,
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
): string | undefined {
  if ([cwd, ...argv, ...Object.values(env)].some((value) => value.includes('\0'))) return undefined;
  const parts = [`cd ${shellQuote(cwd)} || exit 127`];
  for (const [key, value] of Object.entries(env)) {
    if (shell.env[key] === value) continue;
    if (!SHELL_NAME.test(key)) return undefined;
    parts.push(`export ${key}=${shellQuote(value)}`);
  }
  for (const key of Object.keys(shell.env)) {
    if (env[key] !== undefined) continue;
    if (!SHELL_NAME.test(key)) return undefined;
    parts.push(`unset ${key}`);
  }
  parts.push(`exec ${argv.map(shellQuote).join(' ')}`);
  return parts.join('; ');
}

/** Quotes a word for `sh`, keeping the result on one line: newlines become `"$nl"`. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''").replaceAll('\n', `'"$nl"'`)}'`;
}
