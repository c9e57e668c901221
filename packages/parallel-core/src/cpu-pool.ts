import { access, constants } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits, Transferable, Worker } from 'node:worker_threads';
import { WhiteboxError } from '@whitebox/core';
import { Piscina } from 'piscina';
import { describeValue } from './describe-value.js';
import { knownItemCount, resolveMaxWorkers, runParallel, validateRunParallelOptions } from './run-parallel.js';
import type { RunParallelOptions, RunParallelSettledResult } from './run-parallel.js';

/** Options of {@link createCpuPool}. */
export interface CpuPoolOptions {
  /**
   * Worker threads to start, all of them up front and kept for the life of the pool.
   * @default os.availableParallelism()
   */
  readonly threads?: number;
  /** Named export of the worker file to call for each task. @default 'default' */
  readonly name?: string;
  /** Structured-cloneable value every worker sees as `workerData` from `node:worker_threads`. */
  readonly workerData?: unknown;
  /** Heap and stack limits for each worker thread. @default Node's defaults */
  readonly resourceLimits?: ResourceLimits;
}

/** Options of {@link CpuPool.run}. */
export interface CpuTaskOptions {
  /**
   * Aborting it removes the task from the queue or, if it is running, terminates its thread (piscina
   * then starts a replacement); the task rejects with `signal.reason`.
   */
  readonly signal?: AbortSignal;
  /** Objects to move to the worker instead of copying (`ArrayBuffer`s, `MessagePort`s). */
  readonly transferList?: readonly Transferable[];
}

/**
 * A warm pool of worker threads that all run one worker file. Create it with {@link createCpuPool}.
 *
 * @typeParam T - The task passed to the worker's function.
 * @typeParam R - What the worker's function returns.
 */
export interface CpuPool<T = unknown, R = unknown> extends AsyncDisposable {
  /** Absolute path of the worker file. */
  readonly workerFile: string;
  /** Number of worker threads the pool keeps. */
  readonly threads: number;
  /** `threadId`s of the worker threads alive right now. */
  readonly threadIds: readonly number[];
  /**
   * Runs one task on a free thread, or queues it until one is free.
   * Rejects with the worker's own error (message and class are kept by structured cloning).
   */
  run(task: T, options?: CpuTaskOptions): Promise<R>;
  /** Terminates every thread; queued and running tasks reject. Safe to call twice. */
  destroy(): Promise<void>;
}

/**
 * Starts a pool of worker threads running `workerFile` and resolves once every thread has loaded it,
 * so the first task never pays for thread start-up or module loading.
 *
 * The worker file must be plain JavaScript (`.js`/`.mjs`/`.cjs`) whose default export (or the export
 * named by `options.name`) is the task function; it may be async, but piscina's own guidance is that
 * I/O-bound work belongs on `runParallel`, not on threads.
 *
 * @param workerFile - Absolute path, path relative to `process.cwd()`, or `file:` URL.
 * @throws TypeError - For a `workerFile` or option of the wrong type.
 * @throws WhiteboxError - `CONFIG_INVALID` naming the path when the file is missing or fails to load.
 *
 * @example
 * await using pool = await createCpuPool<string, number>(new URL('./hash-worker.mjs', import.meta.url));
 * const digest = await pool.run('some text');
 */
export async function createCpuPool<T = unknown, R = unknown>(
  workerFile: string | URL,
  options: CpuPoolOptions = {},
): Promise<CpuPool<T, R>> {
  const filename = resolveWorkerFile(workerFile);
  const { threads, name, workerData, resourceLimits } = validateOptions(options);
  try {
    await access(filename, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new WhiteboxError('CONFIG_INVALID', `CPU pool worker file ${filename} cannot be read (${code})`, {
      cause: error,
    });
  }

  const piscina = new Piscina<T, R>({
    filename,
    name,
    minThreads: threads,
    maxThreads: threads,
    workerData,
    ...(resourceLimits === undefined ? {} : { resourceLimits }),
  });
  // Piscina reports a crash of an idle worker as an 'error' event; unheard, Node would turn it into an
  // uncaught exception. A crash during a task already rejects that task, so nothing is lost here.
  piscina.on('error', () => {});

  try {
    await waitUntilWarm(piscina.threads, filename);
  } catch (error) {
    await piscina.destroy();
    throw error;
  }
  return new WarmCpuPool<T, R>(piscina, filename, threads);
}

class WarmCpuPool<T, R> implements CpuPool<T, R> {
  readonly #piscina: Piscina<T, R>;
  #destroyed: Promise<void> | undefined;

  constructor(
    piscina: Piscina<T, R>,
    readonly workerFile: string,
    readonly threads: number,
  ) {
    this.#piscina = piscina;
  }

  get threadIds(): readonly number[] {
    return this.#piscina.threads.map((worker) => worker.threadId);
  }

  async run(task: T, options: CpuTaskOptions = {}): Promise<R> {
    if (this.#destroyed !== undefined) {
      throw new WhiteboxError('ABORTED', `CPU pool for ${this.workerFile} was destroyed; create a new one`);
    }
    const { signal, transferList } = options;
    signal?.throwIfAborted();
    try {
      return await this.#piscina.run(task, {
        ...(signal === undefined ? {} : { signal }),
        ...(transferList === undefined ? {} : { transferList: [...transferList] }),
      });
    } catch (error) {
      // Piscina wraps the abort in its own AbortError; callers (and runParallel's timeout) need the reason.
      if (signal?.aborted) throw signal.reason;
      throw error;
    }
  }

  destroy(): Promise<void> {
    this.#destroyed ??= this.#piscina.destroy();
    return this.#destroyed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.destroy();
  }
}

/**
 * Options of {@link runParallelCpu}: {@link RunParallelOptions}, plus {@link CpuPoolOptions} for the
 * pool it creates when given a worker file (ignored when given a pool).
 *
 * `maxWorkers` (tasks in flight) defaults to the pool's thread count, capped at the number of items.
 * A larger value only queues tasks inside the pool, and then `timeout` counts the time spent queued.
 */
export interface RunParallelCpuOptions extends RunParallelOptions, CpuPoolOptions {}

/**
 * `runParallel` on worker threads: runs the worker file's function on every item, with
 * `runParallel`'s options, validation and result shapes (results in input order; settled
 * `{ status, value | error, durationMs }` records with `failFast: false`). A timeout or abort
 * terminates the thread running that item, so CPU-bound work really stops.
 *
 * @param poolOrFile - A pool from {@link createCpuPool}, kept open for reuse; or a worker file, for which a
 *   pool is created, warmed, and destroyed when the run ends.
 * @param items - Tasks for the worker; each is structured-cloned into a thread.
 *
 * @example
 * const digests = await runParallelCpu<string, string>(new URL('./hash-worker.mjs', import.meta.url), files, {
 *   timeout: 10_000,
 *   desc: 'Hashing',
 * });
 */
export function runParallelCpu<T, R>(
  poolOrFile: CpuPool<T, R> | string | URL,
  items: Iterable<T> | AsyncIterable<T>,
  options: RunParallelCpuOptions & { readonly failFast: false },
): Promise<RunParallelSettledResult<R>[]>;
export function runParallelCpu<T, R>(
  poolOrFile: CpuPool<T, R> | string | URL,
  items: Iterable<T> | AsyncIterable<T>,
  options?: RunParallelCpuOptions & { readonly failFast?: true | 'immediate' | undefined },
): Promise<R[]>;
export function runParallelCpu<T, R>(
  poolOrFile: CpuPool<T, R> | string | URL,
  items: Iterable<T> | AsyncIterable<T>,
  options?: RunParallelCpuOptions,
): Promise<R[] | RunParallelSettledResult<R>[]>;
export async function runParallelCpu<T, R>(
  poolOrFile: CpuPool<T, R> | string | URL,
  items: Iterable<T> | AsyncIterable<T>,
  options: RunParallelCpuOptions = {},
): Promise<R[] | RunParallelSettledResult<R>[]> {
  // Checked before any thread starts, with exactly runParallel's messages.
  const { maxWorkers } = validateRunParallelOptions(options);
  const { threads, name, workerData, resourceLimits, ...runOptions } = options;
  const owned = !isCpuPool(poolOrFile);
  const pool = owned
    ? await createCpuPool<T, R>(poolOrFile, {
        ...(threads === undefined ? {} : { threads }),
        ...(name === undefined ? {} : { name }),
        ...(workerData === undefined ? {} : { workerData }),
        ...(resourceLimits === undefined ? {} : { resourceLimits }),
      })
    : poolOrFile;
  try {
    return await runParallel<T, R>((item, { signal }) => pool.run(item, { signal }), items, {
      ...runOptions,
      maxWorkers: resolveMaxWorkers(maxWorkers, knownItemCount(items), pool.threads),
    });
  } finally {
    if (owned) await pool.destroy();
  }
}

function isCpuPool<T, R>(value: CpuPool<T, R> | string | URL): value is CpuPool<T, R> {
  return typeof value === 'object' && value !== null && !(value instanceof URL) && typeof value.run === 'function';
}

/** Piscina's worker posts this key once its startup import of the worker file has finished. */
const PISCINA_READY_KEY = '_WORKER_READY';

/**
 * Piscina 5 marks its first workers ready before they have loaded anything (piscina#1037 is about
 * the cost of that), so readiness is observed on the threads themselves: each posts piscina's ready
 * message after importing the worker file, or fails with the import's error.
 */
function waitUntilWarm(workers: readonly Worker[], filename: string): Promise<void> {
  return new Promise<void>((resolvePromise, reject) => {
    let waiting = workers.length;
    const cleanups: (() => void)[] = [];
    const settle = (error?: unknown): void => {
      for (const cleanup of cleanups) cleanup();
      cleanups.length = 0;
      if (error === undefined) {
        resolvePromise();
        return;
      }
      const detail = error instanceof Error ? error.message : String(error);
      reject(new WhiteboxError('CONFIG_INVALID', `CPU pool worker file ${filename} failed to load: ${detail}`, { cause: error }));
    };
    for (const worker of workers) {
      const onMessage = (message: unknown): void => {
        if (typeof message !== 'object' || message === null || !(PISCINA_READY_KEY in message)) return;
        worker.off('message', onMessage);
        if (--waiting === 0) settle();
      };
      const onError = (error: unknown): void => settle(error);
      const onExit = (code: number): void => settle(new Error(`worker thread exited with code ${code} while starting`));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      cleanups.push(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      });
    }
    if (waiting === 0) settle();
  });
}

function resolveWorkerFile(workerFile: string | URL): string {
  if (workerFile instanceof URL) {
    if (workerFile.protocol !== 'file:') {
      throw new TypeError(`Expected \`workerFile\` to be a file: URL, got ${describeValue(workerFile.href)}`);
    }
    return fileURLToPath(workerFile);
  }
  if (typeof workerFile !== 'string' || workerFile === '') {
    throw new TypeError(
      `Expected \`workerFile\` to be a non-empty path string or a file: URL, got ${describeValue(workerFile)}`,
    );
  }
  if (workerFile.startsWith('file:')) return fileURLToPath(workerFile);
  return isAbsolute(workerFile) ? workerFile : resolve(workerFile);
}

function validateOptions(options: CpuPoolOptions): {
  threads: number;
  name: string;
  workerData: unknown;
  resourceLimits: ResourceLimits | undefined;
} {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected CPU pool options to be an object, got ${describeValue(options)}`);
  }
  const { threads = availableParallelism(), name = 'default', workerData, resourceLimits } = options;
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new TypeError(`Expected \`threads\` to be an integer from 1 and up, got ${describeValue(threads)}`);
  }
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`Expected \`name\` to be a non-empty export name, got ${describeValue(name)}`);
  }
  if (resourceLimits !== undefined && (typeof resourceLimits !== 'object' || resourceLimits === null)) {
    throw new TypeError(`Expected \`resourceLimits\` to be an object, got ${describeValue(resourceLimits)}`);
  }
  return { threads, name, workerData, resourceLimits };
}
