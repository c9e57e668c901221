import { setImmediate as flushIo } from 'node:timers/promises';
import { WhiteboxError } from '@whitebox/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGraph } from './run-graph.js';
import { TimeoutError } from './timeout-error.js';
import type { GraphNode, RunGraphOptions } from './run-graph.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (setImmediate fires after the microtask queue drains). */
const flush = async (): Promise<void> => {
  await flushIo();
};

/** A node whose `run` waits for the test to settle it, and records when it was called. */
function controlled(id: string, deps: string[] = [], extra: Partial<GraphNode> = {}) {
  const gate = deferred();
  const calls: { signal: AbortSignal; depResults: ReadonlyMap<string, unknown> }[] = [];
  const node: GraphNode = {
    id,
    deps,
    ...extra,
    run(signal, depResults) {
      calls.push({ signal, depResults });
      return gate.promise;
    },
  };
  return { node, gate, calls, get started() { return calls.length > 0; } };
}

const ok = (id: string, deps: string[] = [], value: unknown = id): GraphNode => ({ id, deps, run: () => value });

afterEach(() => {
  vi.useRealTimers();
});

describe(runGraph, () => {
  describe('validation', () => {
    it.each([
      ['a self-loop', [{ id: 'a', deps: ['a'] }], 'Dependency cycle: a → a'],
      ['a 2-cycle', [{ id: 'a', deps: ['b'] }, { id: 'b', deps: ['a'] }], 'Dependency cycle: a → b → a'],
      [
        'a longer cycle behind an acyclic prefix',
        [
          { id: 'x' },
          { id: 'start', deps: ['x', 'p'] },
          { id: 'p', deps: ['q'] },
          { id: 'q', deps: ['r'] },
          { id: 'r', deps: ['p'] },
        ],
        'Dependency cycle: p → q → r → p',
      ],
    ])('rejects %s with CONFIG_INVALID naming the cycle, before running anything', async (_name, shape, message) => {
      const run = vi.fn();
      const nodes = shape.map((node) => ({ ...node, run }));
      const error = await runGraph(nodes).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WhiteboxError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toBe(`${message} (each node depends on the next)`);
      expect(run).not.toHaveBeenCalled();
    });

    it('rejects a dependency on an unknown id, naming both nodes', async () => {
      const run = vi.fn();
      await expect(runGraph([{ id: 'a', run }, { id: 'b', deps: ['a', 'x'], run }])).rejects.toThrow(
        new WhiteboxError('CONFIG_INVALID', 'Node "b" depends on "x", which does not exist'),
      );
      expect(run).not.toHaveBeenCalled();
    });

    it('rejects duplicate ids, naming both positions', async () => {
      const run = vi.fn();
      const error = await runGraph([{ id: 'a', run }, { id: 'b', run }, { id: 'a', run }]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: 'Duplicate node id "a" (nodes[0] and nodes[2])' });
      expect(run).not.toHaveBeenCalled();
    });

    it.each<[string, unknown, string]>([
      ['nodes that are not iterable', 42, 'Expected `nodes` to be an iterable of graph nodes, got `42` (number)'],
      ['a node that is not an object', [null], 'Expected nodes[0] to be a graph node object, got `null` (null)'],
      ['an empty id', [{ id: '', run: () => 1 }], "Expected nodes[0].id to be a non-empty string, got `''` (string)"],
      ['a numeric id', [{ id: 7, run: () => 1 }], 'Expected nodes[0].id to be a non-empty string, got `7` (number)'],
      ['a missing run', [{ id: 'a' }], 'Expected nodes[0].run (node "a") to be a function, got `undefined` (undefined)'],
      ['deps that are a string', [{ id: 'a', deps: 'b', run: () => 1 }], `Expected nodes[0].deps (node "a") to be an array of node ids, got \`'b'\` (string)`],
      ['a zero node timeout', [{ id: 'a', timeout: 0, run: () => 1 }], 'Expected nodes[0].timeout (node "a") to be a number of milliseconds above 0 (or Infinity), got `0` (number)'],
    ])('throws a TypeError for %s', async (_name, nodes, message) => {
      await expect(runGraph(nodes as GraphNode[])).rejects.toThrow(new TypeError(message));
    });

    it.each<[string, unknown, string]>([
      ['maxConcurrency 0', { maxConcurrency: 0 }, 'Expected `maxConcurrency` to be an integer from 1 and up or `Infinity`, got `0` (number)'],
      ['maxConcurrency NaN', { maxConcurrency: Number.NaN }, 'got `NaN` (number)'],
      ['maxConcurrency 1.5', { maxConcurrency: 1.5 }, 'got `1.5` (number)'],
      ['maxConcurrency "2"', { maxConcurrency: '2' }, "got `'2'` (string)"],
      ['an unknown onFailure', { onFailure: 'ignore' }, "Expected `onFailure` to be 'skip-dependents' or 'stop-all', got `'ignore'` (string)"],
      ['a negative timeout', { timeout: -1 }, 'Expected `timeout` to be a number of milliseconds above 0 (or Infinity), got `-1` (number)'],
      ['a signal that is not an AbortSignal', { signal: {} }, 'Expected `signal` to be an AbortSignal'],
      ['a clock that is not a function', { now: 5 }, 'Expected `now` to be a function, got `5` (number)'],
      ['options that are not an object', null, 'Expected runGraph options to be an object, got `null` (null)'],
    ])('throws a TypeError for %s', async (_name, options, message) => {
      const run = vi.fn();
      const error = await runGraph([{ id: 'a', run }], options as RunGraphOptions).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(message);
      expect(run).not.toHaveBeenCalled();
    });
  });

  it('returns results in declaration order whatever the finish order', async () => {
    const a = controlled('a');
    const b = controlled('b');
    const c = controlled('c');
    const result = runGraph([a.node, b.node, c.node]);
    await flush();
    c.gate.resolve('C');
    await flush();
    a.gate.resolve('A');
    await flush();
    b.gate.resolve('B');
    const { nodes, ok: allOk } = await result;
    expect(nodes.map((node) => [node.id, node.status, node.value])).toEqual([
      ['a', 'fulfilled', 'A'],
      ['b', 'fulfilled', 'B'],
      ['c', 'fulfilled', 'C'],
    ]);
    expect(allOk).toBe(true);
  });

  it('passes each node the values of its direct dependencies only', async () => {
    const seen = new Map<string, Record<string, unknown>>();
    const record = (id: string, deps: string[], value: unknown): GraphNode => ({
      id,
      deps,
      async run(_signal, depResults) {
        seen.set(id, Object.fromEntries(depResults));
        return value;
      },
    });
    await runGraph([record('a', [], 1), record('b', [], { two: 2 }), record('c', ['a', 'b'], 3), record('d', ['c'], 4)]);
    expect(seen.get('a')).toEqual({});
    expect(seen.get('c')).toEqual({ a: 1, b: { two: 2 } });
    expect(seen.get('d')).toEqual({ c: 3 });
  });

  it('starts a node as soon as its own dependencies finish, without waiting for unrelated slow nodes', async () => {
    const slow = controlled('slow');
    const fast = controlled('fast');
    const after = controlled('after-fast', ['fast']);
    const afterSlow = controlled('after-slow', ['slow']);
    const result = runGraph([slow.node, fast.node, after.node, afterSlow.node]);
    await flush();
    expect([slow.started, fast.started, after.started]).toEqual([true, true, false]);

    fast.gate.resolve('f');
    await flush();
    expect(after.started).toBe(true);
    expect(afterSlow.started).toBe(false);

    after.gate.resolve('af');
    slow.gate.resolve('s');
    await flush();
    afterSlow.gate.resolve('as');
    expect((await result).nodes.every((node) => node.status === 'fulfilled')).toBe(true);
  });

  it('never runs more than maxConcurrency nodes at once, and starts ready nodes in declaration order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const order: string[] = [];
    const gates = new Map<string, Deferred<unknown>>();
    const node = (id: string, deps: string[] = []): GraphNode => ({
      id,
      deps,
      async run() {
        order.push(id);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const gate = deferred();
        gates.set(id, gate);
        await gate.promise;
        inFlight--;
        return id;
      },
    });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const result = runGraph([...ids.map((id) => node(id)), node('g', ['a'])], { maxConcurrency: 2 });
    for (let step = 0; step < 7; step++) {
      await flush();
      expect(inFlight).toBeLessThanOrEqual(2);
      const [first] = gates.keys();
      gates.get(first as string)?.resolve(undefined);
      gates.delete(first as string);
    }
    const { nodes } = await result;
    expect(maxInFlight).toBe(2);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(nodes.every((n) => n.status === 'fulfilled')).toBe(true);
  });

  it('runs every ready node at once by default', async () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => controlled(id));
    const result = runGraph(nodes.map((n) => n.node));
    await flush();
    expect(nodes.every((n) => n.started)).toBe(true);
    for (const n of nodes) n.gate.resolve(n.node.id);
    await result;
  });

  it('skips only the transitive dependents of a failed node and keeps independent branches running', async () => {
    const boom = new Error('boom');
    const failing = controlled('lint');
    const dependent = controlled('fix', ['lint']);
    const grandchild = controlled('commit', ['fix', 'format']);
    const independent = controlled('format');
    const afterIndependent = controlled('report', ['format']);
    const result = runGraph([failing.node, dependent.node, grandchild.node, independent.node, afterIndependent.node]);
    await flush();
    failing.gate.reject(boom);
    await flush();
    expect(independent.started).toBe(true);
    independent.gate.resolve('formatted');
    await flush();
    afterIndependent.gate.resolve('reported');
    const { nodes, ok: allOk } = await result;

    expect(nodes.map(({ id, status, blockedBy, started }) => ({ id, status, blockedBy, started }))).toEqual([
      { id: 'lint', status: 'rejected', blockedBy: undefined, started: true },
      { id: 'fix', status: 'skipped', blockedBy: 'lint', started: false },
      { id: 'commit', status: 'skipped', blockedBy: 'lint', started: false },
      { id: 'format', status: 'fulfilled', blockedBy: undefined, started: true },
      { id: 'report', status: 'fulfilled', blockedBy: undefined, started: true },
    ]);
    expect(nodes[0]?.error).toBe(boom);
    expect(dependent.started || grandchild.started).toBe(false);
    expect(allOk).toBe(false);
  });

  it("with onFailure 'stop-all', aborts running nodes, starts nothing new and resolves at once", async () => {
    const failing = controlled('a');
    const running = controlled('b');
    const waiting = controlled('c', ['b']);
    const queued = controlled('d');
    const result = runGraph([failing.node, running.node, waiting.node, queued.node], {
      onFailure: 'stop-all',
      maxConcurrency: 2,
    });
    await flush();
    expect([failing.started, running.started, queued.started]).toEqual([true, true, false]);

    failing.gate.reject(new Error('a failed'));
    // `b` ignores its signal and never settles: the graph must not wait for it.
    const { nodes } = await result;

    const signal = running.calls[0]?.signal;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ code: 'ABORTED', message: 'Stopped because node "a" failed (onFailure: \'stop-all\')' });
    expect(nodes.map(({ id, status, blockedBy, started }) => ({ id, status, blockedBy, started }))).toEqual([
      { id: 'a', status: 'rejected', blockedBy: undefined, started: true },
      { id: 'b', status: 'cancelled', blockedBy: 'a', started: true },
      { id: 'c', status: 'cancelled', blockedBy: 'a', started: false },
      { id: 'd', status: 'cancelled', blockedBy: 'a', started: false },
    ]);
    expect(waiting.started || queued.started).toBe(false);
  });

  it('times a node out, aborts its signal, reports it as timeout and honours per-node overrides', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const quick = controlled('quick', [], { timeout: 50 });
    const dependent = controlled('after-quick', ['quick']);
    const patient = controlled('patient');
    const result = runGraph([quick.node, dependent.node, patient.node], { timeout: 1_000, now: () => clock });
    await vi.advanceTimersByTimeAsync(0);

    clock = 50;
    await vi.advanceTimersByTimeAsync(50);
    const quickSignal = quick.calls[0]?.signal;
    expect(quickSignal?.aborted).toBe(true);
    expect(patient.calls[0]?.signal.aborted).toBe(false);

    patient.gate.resolve('done');
    const { nodes } = await result;
    expect(nodes[0]).toMatchObject({ id: 'quick', status: 'timeout', startedAt: 0, finishedAt: 50, durationMs: 50 });
    expect(nodes[0]?.error).toBeInstanceOf(TimeoutError);
    expect(nodes[0]?.error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 50, message: 'Node "quick" timed out after 50 ms' });
    expect(quickSignal?.reason).toBe(nodes[0]?.error);
    expect(nodes[1]).toMatchObject({ id: 'after-quick', status: 'skipped', blockedBy: 'quick' });
    expect(nodes[2]).toMatchObject({ id: 'patient', status: 'fulfilled', value: 'done' });
    // A late resolution of the timed-out node changes nothing.
    quick.gate.resolve('too late');
    await vi.advanceTimersByTimeAsync(0);
    expect(nodes[0]?.status).toBe('timeout');
  });

  it('treats a timeout beyond the timer range as no limit instead of firing at once', async () => {
    vi.useFakeTimers();
    const node = controlled('long', [], { timeout: 2 ** 32 });
    const result = runGraph([node.node]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(node.calls[0]?.signal.aborted).toBe(false);
    node.gate.resolve('done');
    expect((await result).nodes[0]).toMatchObject({ status: 'fulfilled', value: 'done' });
  });

  it('reports per-node timing relative to the graph start and the critical path, on an injected clock', async () => {
    let clock = 1_000;
    const a = controlled('a');
    const b = controlled('b', ['a']);
    const c = controlled('c');
    const d = controlled('d', ['b', 'c']);
    const e = controlled('e');
    const result = runGraph([a.node, b.node, c.node, d.node, e.node], { now: () => clock });
    const step = async (at: number, node: { gate: Deferred<unknown> }): Promise<void> => {
      clock = 1_000 + at;
      node.gate.resolve(at);
      await flush();
    };
    await flush();
    await step(5, c);
    await step(10, a);
    await step(25, e);
    await step(30, b);
    await step(35, d);
    const { nodes, criticalPath, durationMs } = await result;

    expect(nodes.map(({ id, startedAt, finishedAt, durationMs: ms }) => [id, startedAt, finishedAt, ms])).toEqual([
      ['a', 0, 10, 10],
      ['b', 10, 30, 20],
      ['c', 0, 5, 5],
      ['d', 30, 35, 5],
      ['e', 0, 25, 25],
    ]);
    expect(criticalPath).toEqual({ ids: ['a', 'b', 'd'], durationMs: 35 });
    expect(durationMs).toBe(35);
  });

  it('rejects with the reason of the external signal and aborts running nodes', async () => {
    const controller = new AbortController();
    const running = controlled('a');
    const waiting = controlled('b', ['a']);
    const result = runGraph([running.node, waiting.node], { signal: controller.signal });
    await flush();
    const reason = new Error('user pressed Ctrl-C');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(running.calls[0]?.signal.reason).toBe(reason);
    running.gate.resolve('late');
    await flush();
    expect(waiting.started).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const run = vi.fn();
    const reason = new Error('already');
    await expect(runGraph([{ id: 'a', run }], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(run).not.toHaveBeenCalled();
  });

  it('treats a synchronous throw as a rejection and a plain return value as fulfilment', async () => {
    const error = new TypeError('sync');
    const { nodes } = await runGraph([
      { id: 'throws', run: () => { throw error; } },
      ok('value', [], 42),
      ok('after', ['value']),
      ok('after-throw', ['throws']),
    ]);
    expect(nodes.map((n) => n.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'skipped']);
    expect(nodes[0]?.error).toBe(error);
    expect(nodes[1]?.value).toBe(42);
  });

  it('accepts any iterable and resolves an empty graph with an empty critical path', async () => {
    expect(await runGraph(new Set<GraphNode>())).toMatchObject({ nodes: [], ok: true, criticalPath: { ids: [], durationMs: 0 } });
    const { nodes } = await runGraph(new Set([ok('a'), ok('b', ['a', 'a'])]));
    expect(nodes.map((n) => n.value)).toEqual(['a', 'b']);
  });
});
