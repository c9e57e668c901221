import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WhiteboxError } from '@whitebox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createCpuPool, runParallelCpu } from './cpu-pool.js';
import type { CpuPool, CpuPoolOptions } from './cpu-pool.js';
import { TimeoutError } from './timeout-error.js';

const fixture = (name: string): URL => new URL(`../test-fixtures/${name}`, import.meta.url);
const burnCpu = fixture('burn-cpu.mjs');
const throwInWorker = fixture('throw-in-worker.mjs');
const waitForever = fixture('wait-forever.mjs');

interface BurnResult {
  threadId: number;
  sum: number;
  value: unknown;
}

const pools: CpuPool<never, unknown>[] = [];
const dirs: string[] = [];

async function pool<T, R>(file: string | URL, options?: CpuPoolOptions): Promise<CpuPool<T, R>> {
  const created = await createCpuPool<T, R>(file, options);
  pools.push(created as CpuPool<never, unknown>);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function expectedSum(iterations: number): number {
  let sum = 0;
  for (let i = 0; i < iterations; i++) sum += Math.sqrt(i);
  return sum;
}

describe(createCpuPool, () => {
  it('has every thread started and the worker file loaded before the first task', async () => {
    const markerDir = await mkdtemp(join(tmpdir(), 'cpu-pool-'));
    dirs.push(markerDir);
    const cpu = await pool<{ iterations: number }, BurnResult>(burnCpu, { threads: 2, workerData: { markerDir } });

    expect(cpu.threads).toBe(2);
    expect(cpu.threadIds).toHaveLength(2);
    // Each thread writes its marker while importing the worker file; no task has been sent yet.
    expect((await readdir(markerDir)).sort()).toEqual(cpu.threadIds.map((id) => `thread-${id}`).sort());

    const results = await Promise.all([1, 2, 3, 4].map(() => cpu.run({ iterations: 10_000 })));
    for (const result of results) {
      expect(cpu.threadIds).toContain(result.threadId);
      expect(result.sum).toBe(expectedSum(10_000));
    }
  });

  it('defaults to one thread per available CPU', async () => {
    const cpu = await pool(burnCpu);
    expect(cpu.threads).toBe(availableParallelism());
    expect(cpu.threadIds).toHaveLength(availableParallelism());
  });

  it('accepts a path, a relative path and a file: URL string, and reports the absolute path', async () => {
    const absolute = fileURLToPath(burnCpu);
    for (const file of [absolute, relative(process.cwd(), absolute), burnCpu.href]) {
      const cpu = await pool<{ value: string }, BurnResult>(file, { threads: 1 });
      expect(cpu.workerFile).toBe(absolute);
      expect((await cpu.run({ value: 'x' })).value).toBe('x');
    }
  });

  it('calls the export named by `name`', async () => {
    const cpu = await pool<unknown, unknown>(fixture('no-handler.mjs'), { threads: 1, name: 'notAFunction' });
    await expect(cpu.run({})).rejects.toThrow(/No handler function/);
  });

  it("rejects with the worker's own error and keeps the pool usable", async () => {
    const cpu = await pool<{ message: string; fail?: boolean }, string>(throwInWorker, { threads: 1 });
    const error = await cpu.run({ message: 'bad input 7' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('worker says: bad input 7');
    expect(await cpu.run({ message: 'fine', fail: false })).toBe('fine');
  });

  it('aborts a running task by terminating its thread, rejects with the reason, and replaces the thread', async () => {
    const cpu = await pool<{ hang?: boolean; value?: number }, number>(waitForever, { threads: 1 });
    const [before] = cpu.threadIds;
    const controller = new AbortController();
    const running = cpu.run({}, { signal: controller.signal });
    const reason = new Error('stop it');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(cpu.threadIds).not.toContain(before);
    expect(await cpu.run({ hang: false, value: 3 })).toBe(3);
  });

  it('rejects at once for an already-aborted signal', async () => {
    const cpu = await pool<{ hang?: boolean; value?: number }, number>(waitForever, { threads: 1 });
    const reason = new Error('too late');
    await expect(cpu.run({ hang: false, value: 1 }, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('rejects with CONFIG_INVALID naming the path when the worker file does not exist', async () => {
    const missing = join(tmpdir(), 'no-such-dir', 'missing-worker.mjs');
    const error = await createCpuPool(missing, { threads: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `CPU pool worker file ${missing} cannot be read (ENOENT)`,
    });
  });

  it('rejects with CONFIG_INVALID naming the path when the worker file fails to load', async () => {
    const file = fileURLToPath(fixture('fails-to-load.mjs'));
    const error = await createCpuPool(file, { threads: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `CPU pool worker file ${file} failed to load: fixture refused to load`,
    });
  });

  it('names the worker file when it exports no function', async () => {
    const file = fileURLToPath(fixture('no-handler.mjs'));
    const cpu = await pool(file, { threads: 1 });
    await expect(cpu.run({})).rejects.toThrow(`No handler function exported from ${file}`);
  });

  it.each<[string, unknown, unknown, string]>([
    ['a number as workerFile', 42, {}, 'Expected `workerFile` to be a non-empty path string or a file: URL, got `42` (number)'],
    ['an empty workerFile', '', {}, "Expected `workerFile` to be a non-empty path string or a file: URL, got `''` (string)"],
    ['an http URL', new URL('https://example.com/w.mjs'), {}, "Expected `workerFile` to be a file: URL, got `'https://example.com/w.mjs'` (string)"],
    ['threads 0', burnCpu, { threads: 0 }, 'Expected `threads` to be an integer from 1 and up, got `0` (number)'],
    ['threads 1.5', burnCpu, { threads: 1.5 }, 'Expected `threads` to be an integer from 1 and up, got `1.5` (number)'],
    ['threads "2"', burnCpu, { threads: '2' }, "Expected `threads` to be an integer from 1 and up, got `'2'` (string)"],
    ['an empty export name', burnCpu, { name: '' }, "Expected `name` to be a non-empty export name, got `''` (string)"],
    ['options that are not an object', burnCpu, 7, 'Expected CPU pool options to be an object, got `7` (number)'],
  ])('throws a TypeError for %s', async (_name, file, options, message) => {
    await expect(createCpuPool(file as string, options as CpuPoolOptions)).rejects.toThrow(new TypeError(message));
  });

  it('destroys idempotently, through Symbol.asyncDispose too, and refuses tasks afterwards', async () => {
    const cpu = await pool<{ value: number }, BurnResult>(burnCpu, { threads: 1 });
    await cpu[Symbol.asyncDispose]();
    await cpu.destroy();
    expect(cpu.threadIds).toEqual([]);
    await expect(cpu.run({ value: 1 })).rejects.toMatchObject({
      code: 'ABORTED',
      message: `CPU pool for ${fileURLToPath(burnCpu)} was destroyed; create a new one`,
    });
  });
});

describe(runParallelCpu, () => {
  it('creates a warm pool for a worker file, returns results in input order and destroys the pool', async () => {
    const items = [30_000, 10, 20_000, 0, 5_000].map((iterations, value) => ({ iterations, value }));
    const results = await runParallelCpu<{ iterations: number; value: number }, BurnResult>(burnCpu, items, { threads: 2 });
    expect(results.map((result) => result.value)).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((result) => result.sum)).toEqual(items.map((item) => expectedSum(item.iterations)));
  });

  it("keeps a given pool open and defaults maxWorkers to the pool's threads", async () => {
    const cpu = await pool<{ iterations: number }, BurnResult>(burnCpu, { threads: 2 });
    let maxInFlight = 0;
    const onProgress = ({ inFlight }: { inFlight: number }): void => {
      maxInFlight = Math.max(maxInFlight, inFlight);
    };
    const items = Array.from({ length: 8 }, () => ({ iterations: 20_000 }));
    const first = await runParallelCpu(cpu, items, { onProgress });
    const second = await runParallelCpu(cpu, items.slice(0, 2));
    expect(first).toHaveLength(8);
    expect(second).toHaveLength(2);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(cpu.threadIds).toHaveLength(2);
  });

  it('settles every item with failFast: false, keeping worker errors and input order', async () => {
    const cpu = await pool<{ message: string; fail?: boolean }, string>(throwInWorker, { threads: 2 });
    const results = await runParallelCpu(cpu, [{ message: 'one', fail: false }, { message: 'two' }, { message: 'three', fail: false }], {
      failFast: false,
    });
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: 'one', durationMs: expect.any(Number) });
    expect(results[1]).toMatchObject({ status: 'rejected', timedOut: false, durationMs: expect.any(Number) });
    expect(results[1]?.status === 'rejected' && results[1].error).toBeInstanceOf(RangeError);
    expect(results[1]?.status === 'rejected' && (results[1].error as Error).message).toBe('worker says: two');
  });

  it("rejects with the worker's error by default (failFast)", async () => {
    const cpu = await pool<{ message: string; fail?: boolean }, string>(throwInWorker, { threads: 1 });
    await expect(runParallelCpu(cpu, [{ message: 'boom' }])).rejects.toThrow(new RangeError('worker says: boom'));
  });

  it('times out a task that never finishes, reports it as timed out and replaces its thread', async () => {
    const cpu = await pool<{ hang?: boolean; value?: number }, number>(waitForever, { threads: 1 });
    const [before] = cpu.threadIds;
    const [result] = await runParallelCpu(cpu, [{}], { timeout: 50, failFast: false });
    expect(result).toMatchObject({ status: 'rejected', timedOut: true });
    expect(result?.status === 'rejected' && result.error).toBeInstanceOf(TimeoutError);
    expect(cpu.threadIds).not.toContain(before);
    expect(await runParallelCpu(cpu, [{ hang: false, value: 9 }])).toEqual([9]);
  });

  it('rejects with the reason of the external signal and stops the running task', async () => {
    const cpu = await pool<{ hang?: boolean; value?: number }, number>(waitForever, { threads: 1 });
    const [before] = cpu.threadIds;
    const controller = new AbortController();
    const run = runParallelCpu(cpu, [{}], { signal: controller.signal });
    const reason = new Error('interrupted');
    setImmediate(() => controller.abort(reason));
    await expect(run).rejects.toBe(reason);
    expect(cpu.threadIds).not.toContain(before);
  });

  it('rejects bad runParallel options with its TypeError before starting any thread', async () => {
    const missing = join(tmpdir(), 'no-such-dir', 'missing-worker.mjs');
    await expect(runParallelCpu(missing, [1], { maxWorkers: 0 })).rejects.toThrow(
      new TypeError("Expected `maxWorkers` to be an integer ≥ 1, Infinity or 'auto', got `0` (number)"),
    );
    await expect(runParallelCpu(missing, [1])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
