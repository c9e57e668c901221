import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CpuPool } from '@whitebox/parallel-core';
import { BoundedOutput } from './bounded-output.js';
import type { CommandHookOutcome } from './run-command-hook.js';
import { monotonicNow } from './monotonic-now.js';

/** What a module hook receives as its second argument. */
export interface ModuleHookContext {
  /** The event being run. */
  readonly event: string;
  /** The hook's configured id. */
  readonly hookId: string;
  /** The project directory (`CLAUDE_PROJECT_DIR`). */
  readonly projectDir: string;
  /** Aborted at the hook's timeout, the event deadline or a short-circuit. Not passed to `cpu: true` hooks. */
  readonly signal?: AbortSignal;
}

/**
 * A module hook: called with the hook input (the same object a command hook reads from stdin) and
 * a {@link ModuleHookContext}. What it returns becomes the hook's output:
 * - an object: printed as JSON, exactly as a command hook's stdout on exit 0;
 * - a string: plain stdout;
 * - `undefined` or `null`: no output;
 * - an object with a numeric `exitCode`: a raw result `{ exitCode, stdout?, stderr? }`, e.g.
 *   `{ exitCode: 2, stderr: 'reason' }` to block like exit 2;
 * - a throw: a non-blocking error (exit 1) with the message on stderr; a thrown error whose
 *   `exitCode` is 2 blocks instead.
 */
export type ModuleHookFunction = (input: Record<string, unknown>, context: ModuleHookContext) => unknown;

/** Loads module hook functions; the server keeps one so modules stay warm. */
export interface ModuleHookLoader {
  /**
   * Imports `file` (absolute) and returns its `exportName` export.
   * @throws {Error} When the file cannot be imported or the export is not a function.
   */
  load(file: string, exportName: string): Promise<ModuleHookFunction>;
  /**
   * The function `load` would return, when it is loaded and needs no check of the file now;
   * otherwise `undefined`. Lets a warm hook run without a turn of the event loop.
   */
  peek?(file: string, exportName: string): ModuleHookFunction | undefined;
}

/** Options for {@link createModuleHookLoader}. */
export interface ModuleHookLoaderOptions {
  /**
   * Re-import a module when its file changes (by mtime and size). ESM has no cache eviction, so each
   * change loads a new copy; fine for a server whose hooks change now and then.
   * @default false
   */
  readonly reloadOnChange?: boolean;
  /**
   * With `reloadOnChange`, look at a module's file at most this often: a `stat` per hook per event
   * would be most of the cost of a warm module hook.
   * @default 1000
   */
  readonly checkIntervalMs?: number;
  /** Clock for `checkIntervalMs`. @default monotonicNow */
  readonly now?: () => number;
}

/** Creates a {@link ModuleHookLoader} that imports each module once (or once per change). */
export function createModuleHookLoader(options: ModuleHookLoaderOptions = {}): ModuleHookLoader {
  const cache = new Map<string, { readonly version: string; readonly module: Promise<Record<string, unknown>>; loaded?: Record<string, unknown> }>();
  const checked = new Map<string, { readonly at: number; readonly version: string }>();
  const now = options.now ?? monotonicNow;
  const interval = options.checkIntervalMs ?? 1000;
  return {
    async load(file, exportName) {
      let version = '';
      if (options.reloadOnChange === true) {
        const last = checked.get(file);
        if (last !== undefined && now() - last.at < interval) {
          version = last.version;
        } else {
          // Synchronous: a local stat takes microseconds, while 21 hooks of one event sharing a
          // file would otherwise queue 21 stats on libuv's four threads once a second.
          const info = statSync(file);
          version = `${info.mtimeMs}-${info.size}`;
          checked.set(file, { at: now(), version });
        }
      }
      let entry = cache.get(file);
      if (entry === undefined || entry.version !== version) {
        const url = pathToFileURL(file).href + (version === '' ? '' : `?v=${version}`);
        const created: NonNullable<typeof entry> = { version, module: import(url) as Promise<Record<string, unknown>> };
        void created.module.then((mod) => (created.loaded = mod), () => undefined);
        entry = created;
        cache.set(file, entry);
        // A failed import must be retried next time, not cached.
        entry.module.catch(() => cache.delete(file));
      }
      const mod = await entry.module;
      const fn = mod[exportName];
      if (typeof fn !== 'function') {
        throw new Error(`${file} has no function export "${exportName}" (found ${typeof fn})`);
      }
      return fn as ModuleHookFunction;
    },
    peek(file, exportName) {
      let version = '';
      if (options.reloadOnChange === true) {
        const last = checked.get(file);
        if (last === undefined || now() - last.at >= interval) return undefined;
        version = last.version;
      }
      const entry = cache.get(file);
      const fn = entry?.version === version ? entry.loaded?.[exportName] : undefined;
      return typeof fn === 'function' ? (fn as ModuleHookFunction) : undefined;
    },
  };
}

/** Options for {@link runModuleHook}. */
export interface RunModuleHookOptions {
  /** The absolute path of the module. */
  readonly file: string;
  /** @default 'default' */
  readonly exportName?: string | undefined;
  /** The hook input object. */
  readonly input: Record<string, unknown>;
  readonly context: Omit<ModuleHookContext, 'signal'>;
  /** Milliseconds before the hook counts as timed out; `Infinity` for none. */
  readonly timeoutMs: number;
  /** Caps the rendered stdout and stderr, in bytes. */
  readonly maxOutputBytes: number;
  /** As for command hooks: reason `'deadline'` means a timeout, anything else a cancel. */
  readonly signal?: AbortSignal | undefined;
  /** Loads in-process hooks. */
  readonly loader: ModuleHookLoader;
  /** Present for `cpu: true` hooks: the pool to run them on. */
  readonly cpuPool?: (() => Promise<CpuPool>) | undefined;
  /** @default monotonicNow */
  readonly now?: () => number;
}

// setTimeout fires at once for delays above 2^31 - 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs a module hook in-process or, with `cpuPool`, on a worker thread, and describes the result
 * the way {@link runCommandHook} does. In-process code cannot be killed: at a timeout its context
 * signal is aborted and its eventual result ignored. On the pool, the thread is terminated.
 * Never rejects.
 */
export async function runModuleHook(options: RunModuleHookOptions): Promise<CommandHookOutcome> {
  const call = new ModuleHookCall(options);
  // A warm in-process hook that returns at once (no promise) is done: no timer, race or listener.
  // It could not have been stopped anyway, since it never gave the event loop a turn.
  const warm = options.cpuPool === undefined && options.signal?.aborted !== true ? options.loader.peek?.(options.file, call.exportName) : undefined;
  let early: { value: unknown } | undefined;
  if (warm !== undefined) {
    try {
      const value = warm(options.input, call.context());
      if (!isThenable(value)) return call.render(toRawResult(value));
      early = { value };
    } catch (error) {
      return call.failure(error);
    }
  }

  const work = (async (): Promise<RawResult> => {
    if (early !== undefined) return toRawResult(await early.value);
    if (options.cpuPool) {
      const pool = await options.cpuPool();
      const { value } = (await pool.run(
        { url: pathToFileURL(options.file).href, exportName: call.exportName, input: options.input, context: options.context },
        { signal: call.signal() },
      )) as { value: unknown };
      return toRawResult(value);
    }
    const fn = await options.loader.load(options.file, call.exportName).catch((error: unknown) => {
      throw new LoadError(error);
    });
    return toRawResult(await fn(options.input, call.context()));
  })();

  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = new Promise<'stopped'>((resolve) => {
    const halt = (why: 'timeout' | 'cancelled'): void => {
      call.stop(why);
      resolve('stopped');
    };
    if (options.timeoutMs <= MAX_TIMER_MS) timer = setTimeout(() => halt('timeout'), options.timeoutMs);
    const onAbort = (): void => halt(options.signal?.reason === 'deadline' ? 'timeout' : 'cancelled');
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    void work.finally(() => options.signal?.removeEventListener('abort', onAbort)).catch(() => undefined);
  });

  try {
    const outcome = await Promise.race([work, stop]);
    return outcome === 'stopped' ? call.stoppedOutcome() : call.render(outcome);
  } catch (error) {
    return call.stopped === undefined ? call.failure(error) : call.stoppedOutcome();
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * One call of a module hook: its clock, its abort controller (made only if the hook reads
 * `context.signal` or must be stopped) and how its result is described. A class rather than
 * closures, because the server makes 21 of these per event and most finish synchronously.
 */
class ModuleHookCall {
  readonly exportName: string;
  readonly #options: RunModuleHookOptions;
  readonly #now: () => number;
  readonly #started: number;
  readonly #startedAtEpochMs: number;
  #controller: AbortController | undefined;
  stopped: 'timeout' | 'cancelled' | undefined;

  constructor(options: RunModuleHookOptions) {
    this.#options = options;
    this.exportName = options.exportName ?? 'default';
    this.#now = options.now ?? monotonicNow;
    this.#started = this.#now();
    this.#startedAtEpochMs = Date.now();
  }

  signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  context(): ModuleHookContext {
    const signal = (): AbortSignal => this.signal();
    return {
      ...this.#options.context,
      get signal() {
        return signal();
      },
    };
  }

  stop(why: 'timeout' | 'cancelled'): void {
    this.stopped ??= why;
    (this.#controller ??= new AbortController()).abort(why === 'timeout' ? 'deadline' : 'cancelled');
  }

  render(raw: RawResult, extra?: Partial<CommandHookOutcome>): CommandHookOutcome {
    const max = this.#options.maxOutputBytes;
    const stdout = cap(raw.stdout, max);
    const stderr = cap(raw.stderr, max);
    const outcome: CommandHookOutcome = {
      exitCode: raw.exitCode,
      exitSignal: null,
      stdout: stdout.text,
      stderr: stderr.text,
      stdoutBytes: stdout.bytes,
      stderrBytes: stderr.bytes,
      durationMs: this.#now() - this.#started,
      startedAtEpochMs: this.#startedAtEpochMs,
      failedToStart: false,
    };
    return extra === undefined ? outcome : { ...outcome, ...extra };
  }

  stoppedOutcome(): CommandHookOutcome {
    const stopped = this.stopped ?? 'cancelled';
    return this.render({ exitCode: null, stdout: '', stderr: '' }, { stopped, error: stopped === 'timeout' ? 'killed at its timeout' : 'cancelled' });
  }

  failure(error: unknown): CommandHookOutcome {
    if (error instanceof LoadError || isMissingExport(error)) {
      const message = errorMessage(error instanceof LoadError ? error.cause : error);
      return this.render({ exitCode: null, stdout: '', stderr: message }, { failedToStart: true, error: message });
    }
    const exitCode = (error as { exitCode?: unknown } | null)?.exitCode === 2 ? 2 : 1;
    return this.render({ exitCode, stdout: '', stderr: errorMessage(error) });
  }
}

interface RawResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

class LoadError extends Error {
  constructor(override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function isMissingExport(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'HOOK_EXPORT_MISSING' || /Cannot find module|ERR_MODULE_NOT_FOUND/.test(errorMessage(error));
}

/** Turns what a module hook returned into an exit code and output, as {@link ModuleHookFunction} describes. */
export function toRawResult(value: unknown): RawResult {
  if (value === undefined || value === null) return { exitCode: 0, stdout: '', stderr: '' };
  if (typeof value === 'string') return { exitCode: 0, stdout: value, stderr: '' };
  if (typeof value === 'object' && typeof (value as { exitCode?: unknown }).exitCode === 'number') {
    const raw = value as { exitCode: number; stdout?: unknown; stderr?: unknown };
    return {
      exitCode: raw.exitCode,
      stdout: typeof raw.stdout === 'string' ? raw.stdout : '',
      stderr: typeof raw.stderr === 'string' ? raw.stderr : '',
    };
  }
  try {
    return { exitCode: 0, stdout: JSON.stringify(value) ?? '', stderr: '' };
  } catch (error) {
    return { exitCode: 1, stdout: '', stderr: `returned a value that is not JSON-serializable: ${errorMessage(error)}` };
  }
}

function cap(text: string, maxBytes: number): { text: string; bytes: number } {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { text, bytes };
  const output = new BoundedOutput(maxBytes);
  output.push(text);
  return { text: output.text(), bytes };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The plain-JavaScript worker file `cpu: true` hooks run in. It sits in the package's `worker/`
 * folder, which is one level up from `src/` and `bin/`, and two from `bin/chunks/`.
 */
export function moduleHookWorkerFile(): string {
  const candidates = ['../worker/module-hook-worker.mjs', '../../worker/module-hook-worker.mjs'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  return candidates.find((file) => existsSync(file)) ?? (candidates[0] as string);
}
