import { Writable } from 'node:stream';
import { AbortedError } from '@whitebox/core';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { runParallel, validateRunParallelOptions, resolveMaxWorkers } from './run-parallel.js';
import type { RunParallelContext, RunParallelProgress, RunParallelSettledResult } from './run-parallel.js';
import { TimeoutError } from './timeout-error.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (real timers only). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Records each call and hands back a deferred per item, so a test decides when each call settles. */
function controlledFn<T>() {
  const calls: { item: T; context: RunParallelContext; deferred: Deferred<unknown> }[] = [];
  let running = 0;
  let maxRunning = 0;
  const fn = (item: T, context: RunParallelContext): Promise<unknown> => {
    const d = deferred<unknown>();
    calls.push({ item, context, deferred: d });
    running++;
    maxRunning = Math.max(maxRunning, running);
    return d.promise.finally(() => {
      running--;
    });
  };
  return {
    fn,
    calls,
    get maxRunning() {
      return maxRunning;
    },
    started: () => calls.map((call) => call.item),
  };
}

/** Tracks whether a promise has settled yet, without letting a rejection go unhandled. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

class FakeTty extends Writable {
  readonly isTTY: boolean;
  readonly columns = 160;
  output = '';

  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    this.output += String(chunk);
    callback();
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe(runParallel, () => {
  describe('results and ordering', () => {
    it('resolves with the results in input order even when calls finish in reverse', async () => {
      const control = controlledFn<number>();
      const run = runParallel(control.fn, [1, 2, 3, 4]);
      await flush();
      for (const call of [...control.calls].reverse()) call.deferred.resolve(call.item * 10);
      await expect(run).resolves.toEqual([10, 20, 30, 40]);
    });

    it('accepts synchronous functions and long inputs without growing the stack', async () => {
      const items = Array.from({ length: 50_000 }, (_, index) => index);
      const results = await runParallel((item) => item * 2, items, { maxWorkers: 3 });
      expect(results).toHaveLength(50_000);
      expect(results[49_999]).toBe(99_998);
    });

    it('hands each call its index, attempt 1 and a live signal', async () => {
      const contexts: RunParallelContext[] = [];
      await runParallel(
        (_item: string, context) => {
          contexts.push(context);
        },
        ['a', 'b'],
      );
      expect(contexts.map((context) => [context.index, context.attempt, context.signal.aborted])).toEqual([
        [0, 1, false],
        [1, 1, false],
      ]);
    });

    it('resolves with an empty array for no items without calling fn', async () => {
      const fn = vi.fn();
      await expect(runParallel(fn, [])).resolves.toEqual([]);
      await expect(runParallel(fn, new Set())).resolves.toEqual([]);
      expect(fn).not.toHaveBeenCalled();
    });

    it('reads Sets, generators and async generators, keeping input order', async () => {
      async function* letters() {
        yield 'a';
        await flush();
        yield 'b';
        yield 'c';
      }
      function* numbers() {
        yield 1;
        yield 2;
      }
      const upper = async (letter: string) => {
        await flush();
        return letter.toUpperCase();
      };
      await expect(runParallel(upper, letters(), { maxWorkers: 2 })).resolves.toEqual(['A', 'B', 'C']);
      await expect(runParallel((n: number) => n + 1, numbers())).resolves.toEqual([2, 3]);
      await expect(runParallel((n: number) => -n, new Set([5, 6]))).resolves.toEqual([-5, -6]);
    });

    it('types the result as R[] by default and as settled records with failFast: false', () => {
      expectTypeOf(runParallel(async (n: number) => String(n), [1])).toEqualTypeOf<Promise<string[]>>();
      expectTypeOf(runParallel((n: number) => n > 0, [1], { failFast: 'immediate' })).toEqualTypeOf<Promise<boolean[]>>();
      expectTypeOf(runParallel(async (n: number) => String(n), [1], { failFast: false })).toEqualTypeOf<
        Promise<RunParallelSettledResult<string>[]>
      >();
    });
  });

  describe('maxWorkers', () => {
    it('never runs more than maxWorkers calls at once, and starts the next as one finishes', async () => {
      const control = controlledFn<number>();
      const run = runParallel(control.fn, [0, 1, 2, 3, 4, 5, 6], { maxWorkers: 3 });
      await flush();
      expect(control.started()).toEqual([0, 1, 2]);
      control.calls[1]?.deferred.resolve(undefined);
      await flush();
      expect(control.started()).toEqual([0, 1, 2, 3]);
      for (let i = 0; i < 7; i++) {
        for (const call of control.calls) call.deferred.resolve(undefined);
        await flush();
      }
      await run;
      expect(control.calls).toHaveLength(7);
      expect(control.maxRunning).toBe(3);
    });

    it('defaults to min(items, 50), the same as "auto"', async () => {
      for (const maxWorkers of [undefined, 'auto'] as const) {
        const control = controlledFn<number>();
        const run = runParallel(control.fn, Array.from({ length: 60 }, (_, i) => i), { maxWorkers });
        await flush();
        expect(control.calls).toHaveLength(50);
        control.calls.forEach((call) => call.deferred.resolve(undefined));
        await flush();
        control.calls.forEach((call) => call.deferred.resolve(undefined));
        await run;
        expect(control.maxRunning).toBe(50);
      }
      expect(resolveMaxWorkers('auto', 7)).toBe(7);
      expect(resolveMaxWorkers('auto', undefined)).toBe(50);
      expect(resolveMaxWorkers(4, 1_000)).toBe(4);
    });

    it('starts every item at once with Infinity', async () => {
      const control = controlledFn<number>();
      const run = runParallel(control.fn, Array.from({ length: 120 }, (_, i) => i), { maxWorkers: Infinity });
      await flush();
      expect(control.calls).toHaveLength(120);
      control.calls.forEach((call) => call.deferred.resolve(undefined));
      await run;
    });
  });

  describe('lazy input', () => {
    it('pulls from a generator only when a worker is free, never more than maxWorkers ahead', async () => {
      let pulled = 0;
      let finished = 0;
      let maxAhead = 0;
      function* endless() {
        for (let i = 0; ; i++) {
          pulled++;
          maxAhead = Math.max(maxAhead, pulled - finished);
          yield i;
        }
      }
      const controller = new AbortController();
      const run = runParallel(
        async (item: number) => {
          await flush();
          finished++;
          if (item === 200) controller.abort(new Error('enough'));
        },
        endless(),
        { maxWorkers: 4, signal: controller.signal },
      );
      await expect(run).rejects.toThrow('enough');
      expect(maxAhead).toBeLessThanOrEqual(4);
      expect(pulled).toBeLessThan(210);
    });

    it('pulls from an async iterable one item per free worker', async () => {
      let pulled = 0;
      const control = controlledFn<number>();
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            pulled++;
            return pulled > 10 ? { done: true, value: undefined } : { done: false, value: pulled };
          },
        }),
      };
      const run = runParallel(control.fn, source, { maxWorkers: 2 });
      await flush();
      expect(pulled).toBe(2);
      control.calls[0]?.deferred.resolve(undefined);
      await flush();
      expect(pulled).toBe(3);
      for (let i = 0; i < 12; i++) {
        control.calls.forEach((call) => call.deferred.resolve(undefined));
        await flush();
      }
      await expect(run).resolves.toHaveLength(10);
      expect(control.maxRunning).toBe(2);
    });

    it('rejects with the error an iterator throws, even in settled mode', async () => {
      function* broken() {
        yield 1;
        throw new Error('source broke');
      }
      await expect(runParallel((n: number) => n, broken(), { failFast: false })).rejects.toThrow('source broke');
      const asyncBroken = {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('async source broke')) }),
      };
      await expect(runParallel((n: number) => n, asyncBroken)).rejects.toThrow('async source broke');
    });
  });

  describe('failFast', () => {
    it('aborts running calls, starts nothing new, and rejects with the first error once they settle', async () => {
      const control = controlledFn<number>();
      const boom = new Error('boom');
      const run = track(runParallel(control.fn, [0, 1, 2, 3, 4], { maxWorkers: 3 }));
      await flush();
      control.calls[1]?.deferred.reject(boom);
      await flush();

      const survivor = control.calls[0];
      expect(survivor?.context.signal.aborted).toBe(true);
      expect(survivor?.context.signal.reason).toBeInstanceOf(AbortedError);
      expect((survivor?.context.signal.reason as Error).cause).toBe(boom);
      expect(control.started()).toEqual([0, 1, 2]);
      expect(run.settled).toBe(false);

      control.calls[0]?.deferred.resolve(undefined);
      control.calls[2]?.deferred.reject(new Error('second'));
      await flush();
      expect(run.settled).toBe(true);
      expect(run.error).toBe(boom);
      expect(control.started()).toEqual([0, 1, 2]);
    });

    it("rejects at once with failFast: 'immediate', leaving running calls aborted", async () => {
      const control = controlledFn<number>();
      const boom = new Error('boom');
      const run = track(runParallel(control.fn, [0, 1, 2, 3], { maxWorkers: 2, failFast: 'immediate' }));
      await flush();
      control.calls[0]?.deferred.reject(boom);
      await flush();
      expect(run.settled).toBe(true);
      expect(run.error).toBe(boom);
      expect(control.calls[1]?.context.signal.aborted).toBe(true);
      control.calls[1]?.deferred.reject(new Error('late'));
      await flush();
      expect(control.started()).toEqual([0, 1]);
    });

    it('closes a generator input when it stops early, so its finally blocks run', async () => {
      let closed = false;
      function* source() {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      }
      await expect(
        runParallel(
          (n: number) => {
            if (n === 3) throw new Error('three');
          },
          source(),
        ),
      ).rejects.toThrow('three');
      expect(closed).toBe(true);
    });
  });

  describe('settled mode (failFast: false)', () => {
    it('runs every item and reports each outcome in input order', async () => {
      const failure = new Error('odd');
      const results = await runParallel(
        async (n: number) => {
          await flush();
          if (n % 2 === 1) throw failure;
          return n * 10;
        },
        [0, 1, 2, 3],
        { failFast: false, maxWorkers: 2 },
      );
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: 0, attempts: 1 });
      expect(results[1]).toMatchObject({ status: 'rejected', error: failure, timedOut: false, attempts: 1 });
      expect(results[2]).toMatchObject({ value: 20 });
      for (const result of results) expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('never aborts the signals of other calls when one fails', async () => {
      const control = controlledFn<number>();
      const run = runParallel(control.fn, [0, 1], { failFast: false });
      await flush();
      control.calls[0]?.deferred.reject(new Error('no'));
      await flush();
      expect(control.calls[1]?.context.signal.aborted).toBe(false);
      control.calls[1]?.deferred.resolve('yes');
      await expect(run).resolves.toMatchObject([{ status: 'rejected' }, { status: 'fulfilled', value: 'yes' }]);
    });
  });

  describe('timeout', () => {
    it('reports a call that ignores its signal as timed out at the deadline and aborts its signal', async () => {
      vi.useFakeTimers();
      const signals: AbortSignal[] = [];
      const run = track(
        runParallel(
          (_n: number, { signal }) => {
            signals.push(signal);
            return new Promise<never>(() => {});
          },
          [1],
          { timeout: 100 },
        ),
      );
      await vi.advanceTimersByTimeAsync(99);
      expect(run.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(run.settled).toBe(true);
      expect(run.error).toBeInstanceOf(TimeoutError);
      expect(run.error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 100 });
      expect(signals[0]?.aborted).toBe(true);
      expect(signals[0]?.reason).toBe(run.error);
    });

    it('marks timed-out items in settled mode and keeps the others', async () => {
      vi.useFakeTimers();
      const run = runParallel(
        (n: number) => (n === 1 ? new Promise<never>(() => {}) : Promise.resolve(n)),
        [0, 1, 2],
        { timeout: 50, failFast: false },
      );
      await vi.advanceTimersByTimeAsync(50);
      const results = await run;
      expect(results[0]).toMatchObject({ status: 'fulfilled', value: 0 });
      expect(results[1]).toMatchObject({ status: 'rejected', timedOut: true });
      expect((results[1] as { error: unknown }).error).toBeInstanceOf(TimeoutError);
      expect(results[2]).toMatchObject({ status: 'fulfilled', value: 2 });
    });

    it('gives each call its own signal and clears the timer when it finishes in time', async () => {
      vi.useFakeTimers();
      const signals: AbortSignal[] = [];
      await runParallel(
        (n: number, { signal }) => {
          signals.push(signal);
          return n;
        },
        [1, 2],
        { timeout: 1_000 },
      );
      expect(signals[0]).not.toBe(signals[1]);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('retries', () => {
    it('retries with exponential backoff and jitter, then succeeds', async () => {
      vi.useFakeTimers();
      const attempts: number[] = [];
      const run = track(
        runParallel(
          (_n: number, { attempt }) => {
            attempts.push(attempt);
            if (attempt < 3) throw new Error(`fail ${attempt}`);
            return 'ok';
          },
          [1],
          { failFast: false, retries: { retries: 3, minDelayMs: 100, factor: 2, jitter: 0.5, random: () => 0.5 } },
        ),
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(attempts).toEqual([1]);
      // First backoff: 100 × (1 − 0.5 × 0.5) = 75 ms.
      await vi.advanceTimersByTimeAsync(74);
      expect(attempts).toEqual([1]);
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts).toEqual([1, 2]);
      // Second backoff: 200 × 0.75 = 150 ms.
      await vi.advanceTimersByTimeAsync(149);
      expect(attempts).toEqual([1, 2]);
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts).toEqual([1, 2, 3]);
      expect(run.settled).toBe(true);
      expect(run.value).toMatchObject([{ status: 'fulfilled', value: 'ok', attempts: 3 }]);
    });

    it('gives up after `retries` retries and rejects with the last error', async () => {
      vi.useFakeTimers();
      let calls = 0;
      const run = track(
        runParallel(
          () => {
            calls++;
            throw new Error(`fail ${calls}`);
          },
          [1],
          { retries: { retries: 2, minDelayMs: 10, jitter: 0 } },
        ),
      );
      await vi.advanceTimersByTimeAsync(1_000);
      expect(calls).toBe(3);
      expect((run.error as Error).message).toBe('fail 3');
    });

    it('asks shouldRetry with the error and the failed attempt, and stops when it says no', async () => {
      vi.useFakeTimers();
      const shouldRetry = vi.fn((error: unknown, _attempt: number) => (error as Error).message !== 'fatal');
      let calls = 0;
      const run = track(
        runParallel(
          () => {
            calls++;
            throw new Error(calls === 1 ? 'flaky' : 'fatal');
          },
          [1],
          { retries: { retries: 5, minDelayMs: 1, shouldRetry } },
        ),
      );
      await vi.advanceTimersByTimeAsync(1_000);
      expect(calls).toBe(2);
      expect(shouldRetry.mock.calls.map(([error, attempt]) => [(error as Error).message, attempt])).toEqual([
        ['flaky', 1],
        ['fatal', 2],
      ]);
      expect((run.error as Error).message).toBe('fatal');
    });

    it('accepts a plain count', async () => {
      vi.useFakeTimers();
      let calls = 0;
      const run = track(
        runParallel(
          () => {
            calls++;
            if (calls < 3) throw new Error('again');
            return calls;
          },
          [1],
          { retries: 2 },
        ),
      );
      await vi.advanceTimersByTimeAsync(10_000);
      expect(run.value).toEqual([3]);
    });

    it('retries a timed-out attempt with a fresh signal', async () => {
      vi.useFakeTimers();
      const signals: AbortSignal[] = [];
      const run = track(
        runParallel(
          (_n: number, { signal, attempt }) => {
            signals.push(signal);
            return attempt === 1 ? new Promise<never>(() => {}) : 'second time';
          },
          [1],
          { timeout: 100, retries: { retries: 1, minDelayMs: 10, jitter: 0 } },
        ),
      );
      await vi.advanceTimersByTimeAsync(110);
      expect(run.value).toEqual(['second time']);
      expect(signals[0]?.aborted).toBe(true);
      expect(signals[1]?.aborted).toBe(false);
    });

    it('cuts the backoff short when the run is aborted, and never calls fn again', async () => {
      vi.useFakeTimers();
      const controller = new AbortController();
      let calls = 0;
      const run = track(
        runParallel(
          () => {
            calls++;
            throw new Error('down');
          },
          [1],
          { signal: controller.signal, retries: { retries: 3, minDelayMs: 5_000, jitter: 0 } },
        ),
      );
      await vi.advanceTimersByTimeAsync(1_000);
      const reason = new Error('user cancelled');
      controller.abort(reason);
      await vi.advanceTimersByTimeAsync(0);
      expect(run.error).toBe(reason);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(calls).toBe(1);
    });

    it('does not retry the survivors of a fail-fast stop', async () => {
      const control = controlledFn<number>();
      const run = runParallel(control.fn, [0, 1], {
        retries: { retries: 3, minDelayMs: 0, shouldRetry: (error) => (error as Error).message !== 'first' },
      });
      await flush();
      control.calls[0]?.deferred.reject(new Error('first'));
      await flush();
      control.calls[1]?.deferred.reject(new Error('retryable, but the run is stopping'));
      await expect(run).rejects.toThrow('first');
      expect(control.calls).toHaveLength(2);
    });
  });

  describe('signal', () => {
    it('rejects with the reason of an already-aborted signal without calling fn or reading the input', async () => {
      const fn = vi.fn();
      let pulled = false;
      function* source() {
        pulled = true;
        yield 1;
      }
      const reason = new Error('already');
      await expect(runParallel(fn, source(), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(fn).not.toHaveBeenCalled();
      expect(pulled).toBe(false);
    });

    it('stops scheduling, aborts running calls and rejects at once when aborted mid-run', async () => {
      for (const failFast of [true, false] as const) {
        const control = controlledFn<number>();
        const controller = new AbortController();
        const run = track(runParallel(control.fn, [0, 1, 2, 3], { maxWorkers: 2, signal: controller.signal, failFast }));
        await flush();
        const reason = new AbortedError('Ctrl-C');
        controller.abort(reason);
        await flush();
        expect(run.error).toBe(reason);
        expect(control.calls.map((call) => call.context.signal.reason)).toEqual([reason, reason]);
        control.calls.forEach((call) => call.deferred.resolve(undefined));
        await flush();
        expect(control.started()).toEqual([0, 1]);
      }
    });

    it('forwards an abort to calls that have a timeout of their own', async () => {
      const control = controlledFn<number>();
      const controller = new AbortController();
      const run = track(runParallel(control.fn, [0], { timeout: 60_000, signal: controller.signal }));
      await flush();
      controller.abort('stop');
      await flush();
      expect(run.error).toBe('stop');
      expect(control.calls[0]?.context.signal.reason).toBe('stop');
    });
  });

  describe('progress', () => {
    it('calls onProgress after each item with done, total, failed, inFlight and elapsedMs', async () => {
      const snapshots: RunParallelProgress[] = [];
      await runParallel(
        async (n: number) => {
          await flush();
          if (n === 2) throw new Error('two');
        },
        [1, 2, 3],
        { failFast: false, maxWorkers: 1, onProgress: (progress) => snapshots.push(progress) },
      );
      expect(snapshots.map(({ done, total, failed, inFlight }) => ({ done, total, failed, inFlight }))).toEqual([
        { done: 1, total: 3, failed: 0, inFlight: 0 },
        { done: 2, total: 3, failed: 1, inFlight: 0 },
        { done: 3, total: 3, failed: 1, inFlight: 0 },
      ]);
      for (const snapshot of snapshots) expect(snapshot.elapsedMs).toBeGreaterThanOrEqual(0);
    });

    it('reports an unknown total for generators and counts running calls', async () => {
      function* source() {
        yield 1;
        yield 2;
      }
      const control = controlledFn<number>();
      const snapshots: RunParallelProgress[] = [];
      const run = runParallel(control.fn, source(), { onProgress: (progress) => snapshots.push(progress) });
      await flush();
      control.calls[0]?.deferred.resolve(undefined);
      await flush();
      control.calls[1]?.deferred.resolve(undefined);
      await run;
      expect(snapshots.map(({ done, total, inFlight }) => ({ done, total, inFlight }))).toEqual([
        { done: 1, total: undefined, inFlight: 1 },
        { done: 2, total: undefined, inFlight: 0 },
      ]);
    });

    it('rejects with the error onProgress throws', async () => {
      const oops = new Error('callback broke');
      await expect(
        runParallel((n: number) => n, [1, 2, 3], {
          failFast: false,
          onProgress: () => {
            throw oops;
          },
        }),
      ).rejects.toBe(oops);
    });

    it('draws the bar with its desc on a terminal stream', async () => {
      const stream = new FakeTty(true);
      await runParallel(async (n: number) => n, [1, 2, 3], { desc: 'Crunching', progressStream: stream });
      expect(stream.output).toContain('Crunching');
      expect(stream.output).toContain('3/3');
    });

    it('stays silent when the stream is not a terminal, or when there is no desc', async () => {
      const pipe = new FakeTty(false);
      await runParallel(async (n: number) => n, [1, 2, 3], { desc: 'Crunching', progressStream: pipe });
      expect(pipe.output).toBe('');
      const tty = new FakeTty(true);
      await runParallel(async (n: number) => n, [1, 2, 3], { progressStream: tty });
      expect(tty.output).toBe('');
    });
  });

  describe('bad arguments', () => {
    const run = (options: unknown) => runParallel((n: number) => n, [1], options as never);

    it('names the value and its type for a bad maxWorkers', async () => {
      await expect(run({ maxWorkers: 0 })).rejects.toThrow(
        new TypeError("Expected `maxWorkers` to be an integer ≥ 1, Infinity or 'auto', got `0` (number)"),
      );
      await expect(run({ maxWorkers: '4' })).rejects.toThrow("got `'4'` (string)");
    });

    it.each([
      ['maxWorkers', { maxWorkers: 0 }, '`0` (number)'],
      ['maxWorkers', { maxWorkers: -2 }, '`-2` (number)'],
      ['maxWorkers', { maxWorkers: Number.NaN }, '`NaN` (number)'],
      ['maxWorkers', { maxWorkers: 1.5 }, '`1.5` (number)'],
      ['maxWorkers', { maxWorkers: 'many' }, "`'many'` (string)"],
      ['maxWorkers', { maxWorkers: null }, '`null` (null)'],
      ['failFast', { failFast: 'yes' }, "`'yes'` (string)"],
      ['timeout', { timeout: 0 }, '`0` (number)'],
      ['timeout', { timeout: -5 }, '`-5` (number)'],
      ['timeout', { timeout: Number.NaN }, '`NaN` (number)'],
      ['timeout', { timeout: '100' }, "`'100'` (string)"],
      ['retries', { retries: -1 }, '`-1` (number)'],
      ['retries', { retries: 1.5 }, '`1.5` (number)'],
      ['retries', { retries: 'twice' }, "`'twice'` (string)"],
      ['retries.retries', { retries: { retries: -1 } }, '`-1` (number)'],
      ['retries.factor', { retries: { retries: 1, factor: 0.5 } }, '`0.5` (number)'],
      ['retries.jitter', { retries: { retries: 1, jitter: 2 } }, '`2` (number)'],
      ['retries.minDelayMs', { retries: { retries: 1, minDelayMs: -1 } }, '`-1` (number)'],
      ['retries.maxDelayMs', { retries: { retries: 1, minDelayMs: 100, maxDelayMs: 10 } }, '`10` (number)'],
      ['retries.shouldRetry', { retries: { retries: 1, shouldRetry: 'no' } }, "`'no'` (string)"],
      ['retries.random', { retries: { retries: 1, random: 4 } }, '`4` (number)'],
      ['signal', { signal: {} }, '`{}` (object)'],
      ['signal', { signal: 'stop' }, "`'stop'` (string)"],
      ['desc', { desc: 5 }, '`5` (number)'],
      ['progressBar', { progressBar: 'yes' }, "`'yes'` (string)"],
      ['progressStream', { progressStream: {} }, '`{}` (object)'],
      ['onProgress', { onProgress: 'log' }, "`'log'` (string)"],
      ['options', 'fast', "`'fast'` (string)"],
    ])('rejects a bad `%s` with a TypeError: %j', async (name, options, received) => {
      const error: unknown = await run(options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(`\`${name}\``);
      expect((error as Error).message).toContain(`got ${received}`);
    });

    it('rejects a non-function fn and a non-iterable input without starting', async () => {
      await expect(runParallel('fn' as never, [1])).rejects.toThrow(
        new TypeError("Expected `fn` to be a function, got `'fn'` (string)"),
      );
      const fn = vi.fn();
      for (const items of [5, null, undefined, {}]) {
        await expect(runParallel(fn, items as never)).rejects.toThrow(/Expected `items` to be an iterable or async iterable, got/);
      }
      expect(fn).not.toHaveBeenCalled();
    });

    it('accepts every valid option value', () => {
      expect(validateRunParallelOptions(undefined)).toMatchObject({ maxWorkers: 'auto', failFast: 'settle', progressBar: false });
      expect(
        validateRunParallelOptions({ maxWorkers: Infinity, failFast: 'immediate', timeout: Infinity, retries: 0, desc: 'x' }),
      ).toMatchObject({ maxWorkers: Infinity, failFast: 'immediate', timeout: undefined, retry: undefined, progressBar: true });
      expect(validateRunParallelOptions({ failFast: false, timeout: 0.5, retries: 2 })).toMatchObject({
        failFast: false,
        timeout: 0.5,
        retry: { retries: 2 },
      });
    });
  });
});
