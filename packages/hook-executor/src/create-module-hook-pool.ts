import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CpuPool } from '@whitebox/parallel-core';
import { moduleHookWorkerFile } from './run-module-hook.js';

/** The part of piscina's API the pool uses. */
interface PiscinaLike {
  readonly threads: readonly { readonly threadId: number }[];
  run(task: unknown, options: { signal?: AbortSignal }): Promise<unknown>;
  destroy(): Promise<void>;
  on(event: 'error', listener: (error: unknown) => void): void;
}

type PiscinaConstructor = new (options: { filename: string; minThreads: number; maxThreads: number }) => PiscinaLike;

/**
 * Starts the worker-thread pool `cpu: true` module hooks run on: piscina with every thread started
 * up front, as parallel-core's `createCpuPool` does. It loads piscina itself, at run time, because
 * importing `createCpuPool` through parallel-core's barrel makes the bundler put piscina (about
 * 18 ms to load) into the chunk every `run` loads; this module is loaded only for `cpu: true` hooks.
 */
export async function createModuleHookPool(options: { readonly threads: number }): Promise<CpuPool> {
  const Piscina = await loadPiscina();
  const filename = moduleHookWorkerFile();
  const piscina = new Piscina({ filename, minThreads: options.threads, maxThreads: options.threads });
  // An idle worker's crash is reported as an 'error' event; the task it ran (if any) already rejected.
  piscina.on('error', () => {});
  let destroyed: Promise<void> | undefined;
  const destroy = (): Promise<void> => {
    destroyed ??= piscina.destroy();
    return destroyed;
  };
  return {
    workerFile: filename,
    threads: options.threads,
    get threadIds() {
      return piscina.threads.map((worker) => worker.threadId);
    },
    async run(task, runOptions = {}) {
      const { signal } = runOptions;
      signal?.throwIfAborted();
      try {
        return await piscina.run(task, signal === undefined ? {} : { signal });
      } catch (error) {
        // piscina wraps an abort in its own AbortError; callers need the reason (deadline or cancel).
        if (signal?.aborted) throw signal.reason;
        throw error;
      }
    },
    destroy,
    [Symbol.asyncDispose]: destroy,
  };
}

/** piscina from this package's dependencies, else from parallel-core's (a workspace not yet reinstalled). */
async function loadPiscina(): Promise<PiscinaConstructor> {
  const own = createRequire(import.meta.url);
  const bases = [import.meta.url];
  try {
    bases.push(path.join(path.dirname(own.resolve('@whitebox/parallel-core/package.json')), 'package.json'));
  } catch {
    // Bundled for publication: parallel-core is inside the bundle, piscina is our own dependency.
  }
  let lastError: unknown;
  for (const base of bases) {
    try {
      const file = createRequire(base).resolve('piscina');
      const mod = (await import(pathToFileURL(file).href)) as { Piscina?: PiscinaConstructor; default?: PiscinaConstructor };
      const Piscina = mod.Piscina ?? mod.default;
      if (Piscina !== undefined) return Piscina;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`Cannot load piscina for cpu: true module hooks: ${(lastError as Error | undefined)?.message ?? 'not found'}`);
}
