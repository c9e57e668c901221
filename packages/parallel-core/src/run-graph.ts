import { AbortedError, WhiteboxError } from '@whitebox/core';
import { describeValue } from './describe-value.js';
import { TimeoutError } from './timeout-error.js';

/**
 * One unit of work in a {@link runGraph} graph.
 *
 * @typeParam T - What `run` resolves to; dependents receive it through `depResults`.
 */
export interface GraphNode<T = unknown> {
  /** Unique, non-empty name; used in `deps`, results and error messages. */
  readonly id: string;
  /** Ids of the nodes that must fulfil before this one starts. Repeats are ignored. @default [] */
  readonly deps?: readonly string[];
  /**
   * Per-node timeout in milliseconds; overrides {@link RunGraphOptions.timeout}. `Infinity` disables it.
   * @default options.timeout
   */
  readonly timeout?: number;
  /**
   * Does the work.
   *
   * @param signal - Aborted on timeout, under `onFailure: 'stop-all'` and when the external signal fires.
   * @param depResults - The values of this node's direct dependencies, keyed by id.
   */
  run(signal: AbortSignal, depResults: ReadonlyMap<string, T>): T | PromiseLike<T>;
}

/** What happened to a node: see {@link GraphNodeResult}. */
export type GraphNodeStatus = 'fulfilled' | 'rejected' | 'skipped' | 'timeout' | 'cancelled';

/** The outcome of one node. Times are milliseconds since the graph started, on the `now` clock. */
export interface GraphNodeResult<T = unknown> {
  /** The node's id. */
  readonly id: string;
  /**
   * - `fulfilled`: `run` resolved; see `value`.
   * - `rejected`: `run` threw or rejected; see `error`.
   * - `timeout`: the node overran its timeout; its signal was aborted and `error` is a `WhiteboxError('TIMEOUT')`.
   * - `skipped`: never started because a dependency failed (`blockedBy` names the node that failed).
   * - `cancelled`: stopped or never started because of `onFailure: 'stop-all'` (`blockedBy` names the failure).
   */
  readonly status: GraphNodeStatus;
  /** The resolved value, when `status` is `fulfilled`. */
  readonly value?: T;
  /** Why the node did not fulfil, when `status` is `rejected`, `timeout` or `cancelled`. */
  readonly error?: unknown;
  /** For `skipped` and `cancelled` nodes: the id of the failed (or timed-out) node that caused it. */
  readonly blockedBy?: string;
  /** Whether `run` was called; `false` for nodes that were skipped or cancelled before they started. */
  readonly started: boolean;
  /** When `run` was called, or when the node was given up on if it never started. */
  readonly startedAt: number;
  /** When the node settled, timed out, or was given up on. */
  readonly finishedAt: number;
  /** `finishedAt - startedAt`; 0 for nodes that never started. */
  readonly durationMs: number;
}

/** The chain of nodes that decided how long the graph took. */
export interface CriticalPath {
  /** Node ids, first dependency first, ending with the node that finished last. Empty if nothing ran. */
  readonly ids: readonly string[];
  /** Sum of the durations of the nodes on the path (excludes time spent waiting for a concurrency slot). */
  readonly durationMs: number;
}

/** What {@link runGraph} resolves to. */
export interface RunGraphResult<T = unknown> {
  /** One result per node, in declaration order, whatever the finish order. */
  readonly nodes: readonly GraphNodeResult<T>[];
  /** Whether every node fulfilled. */
  readonly ok: boolean;
  /** Wall time of the whole graph, on the `now` clock. */
  readonly durationMs: number;
  /** The longest chain of dependencies among the nodes that ran. */
  readonly criticalPath: CriticalPath;
}

/** Options of {@link runGraph}. */
export interface RunGraphOptions {
  /**
   * Most nodes running at once. Unlimited by default because graph nodes (hooks) are mostly I/O-bound
   * and few, as Claude Code itself runs every matching hook at once; cap it for CPU-heavy nodes.
   * @default Infinity
   */
  readonly maxConcurrency?: number;
  /**
   * What a failed (rejected or timed-out) node does to the rest:
   * - `skip-dependents`: its transitive dependents are `skipped`; independent branches still run.
   * - `stop-all`: every running node's signal is aborted and those nodes are reported `cancelled`,
   *   nothing new starts, and the graph resolves at once.
   * @default 'skip-dependents'
   */
  readonly onFailure?: 'skip-dependents' | 'stop-all';
  /** Default per-node timeout in milliseconds; a node's own `timeout` wins. @default Infinity */
  readonly timeout?: number;
  /** Aborting it aborts every running node and rejects `runGraph` with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Clock in milliseconds, injectable so timing tests are deterministic. @default performance.now */
  readonly now?: () => number;
}

const FAILURE_POLICIES: ReadonlySet<string> = new Set(['skip-dependents', 'stop-all']);

// setTimeout fires at once for delays above 2^31 - 1 ms, so longer limits mean "no limit".
const MAX_TIMER_MS = 2 ** 31 - 1;

interface NodeState<T> {
  readonly node: GraphNode<T>;
  readonly deps: readonly number[];
  readonly dependents: number[];
  readonly timeout: number;
  waitingFor: number;
  phase: 'pending' | 'running' | 'done';
  controller?: AbortController;
  timer?: ReturnType<typeof setTimeout>;
  result?: GraphNodeResult<T>;
  startedAt: number;
}

/**
 * Runs a dependency graph with as much parallelism as the dependencies (and `maxConcurrency`) allow.
 * A node starts as soon as all its dependencies have fulfilled; there are no level-by-level barriers.
 * When several nodes become ready at once, they start in declaration order.
 *
 * The graph is validated before anything runs: duplicate ids, unknown dependencies and cycles are
 * `WhiteboxError('CONFIG_INVALID')` rejections that name the nodes at fault; wrong types are `TypeError`s.
 *
 * The graph never waits for work it has given up on: a timed-out or cancelled node is reported at once
 * and its signal aborted, so a node that ignores its signal cannot hold the graph up.
 *
 * @returns Per-node results in declaration order, plus the critical path. Node failures never reject;
 *   only invalid input and the external `signal` do.
 *
 * @example
 * const { nodes, criticalPath } = await runGraph([
 *   { id: 'read', run: () => readFile('a.json', 'utf8') },
 *   { id: 'parse', deps: ['read'], run: (_signal, deps) => JSON.parse(deps.get('read') as string) },
 *   { id: 'lint', run: (signal) => lint({ signal }) },
 * ], { timeout: 5_000 });
 */
export async function runGraph<T = unknown>(
  nodes: Iterable<GraphNode<T>>,
  options: RunGraphOptions = {},
): Promise<RunGraphResult<T>> {
  const { maxConcurrency, onFailure, defaultTimeout, signal, now } = validateOptions(options);
  const states = buildGraph(nodes, defaultTimeout);
  if (signal?.aborted) throw signal.reason;

  const t0 = now();
  const elapsed = (): number => now() - t0;
  const total = states.length;

  return new Promise<RunGraphResult<T>>((resolve, reject) => {
    const ready: number[] = [];
    let readyHead = 0;
    const running = new Set<number>();
    let doneCount = 0;
    let pumping = false;
    let finished = false;

    const finish = (): void => {
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      const results = states.map((state) => state.result as GraphNodeResult<T>);
      resolve({
        nodes: results,
        ok: results.every((result) => result.status === 'fulfilled'),
        durationMs: elapsed(),
        criticalPath: criticalPathOf(states),
      });
    };

    const record = (index: number, result: Omit<GraphNodeResult<T>, 'id'>): void => {
      const state = states[index] as NodeState<T>;
      if (state.phase === 'running') running.delete(index);
      if (state.timer !== undefined) clearTimeout(state.timer);
      state.phase = 'done';
      state.result = { id: state.node.id, ...result };
      doneCount++;
    };

    const giveUp = (index: number, status: 'skipped' | 'cancelled', blockedBy: string, error?: unknown): void => {
      const state = states[index] as NodeState<T>;
      const at = elapsed();
      const started = state.phase === 'running';
      const startedAt = started ? state.startedAt : at;
      record(index, {
        status,
        blockedBy,
        ...(error === undefined ? {} : { error }),
        started,
        startedAt,
        finishedAt: at,
        durationMs: at - startedAt,
      });
    };

    const skipDependents = (failed: number): void => {
      const failedId = (states[failed] as NodeState<T>).node.id;
      const stack = [...(states[failed] as NodeState<T>).dependents];
      while (stack.length > 0) {
        const index = stack.pop() as number;
        const state = states[index] as NodeState<T>;
        // Only pending nodes can depend on a failure: a node starts only once every dep has fulfilled.
        if (state.phase !== 'pending') continue;
        giveUp(index, 'skipped', failedId);
        stack.push(...state.dependents);
      }
    };

    const stopAll = (failed: number): void => {
      const failedId = (states[failed] as NodeState<T>).node.id;
      const reason = new AbortedError(`Stopped because node "${failedId}" failed (onFailure: 'stop-all')`);
      for (const index of [...running]) {
        const state = states[index] as NodeState<T>;
        giveUp(index, 'cancelled', failedId, reason);
        state.controller?.abort(reason);
      }
      for (let index = 0; index < total; index++) {
        if ((states[index] as NodeState<T>).phase === 'pending') giveUp(index, 'cancelled', failedId, reason);
      }
    };

    const settle = (index: number, status: 'fulfilled' | 'rejected' | 'timeout', outcome: unknown): void => {
      const state = states[index] as NodeState<T>;
      // A late settlement of a node already timed out or cancelled changes nothing.
      if (finished || state.phase !== 'running') return;
      const finishedAt = elapsed();
      record(index, {
        status,
        ...(status === 'fulfilled' ? { value: outcome as T } : { error: outcome }),
        started: true,
        startedAt: state.startedAt,
        finishedAt,
        durationMs: finishedAt - state.startedAt,
      });
      if (status === 'fulfilled') {
        for (const dependent of state.dependents) {
          const next = states[dependent] as NodeState<T>;
          if (next.phase === 'pending' && --next.waitingFor === 0) ready.push(dependent);
        }
      } else if (onFailure === 'stop-all') {
        stopAll(index);
      } else {
        skipDependents(index);
      }
      pump();
    };

    const start = (index: number): void => {
      const state = states[index] as NodeState<T>;
      const controller = new AbortController();
      state.phase = 'running';
      state.controller = controller;
      state.startedAt = elapsed();
      running.add(index);
      if (state.timeout <= MAX_TIMER_MS) {
        state.timer = setTimeout(() => {
          const error = new TimeoutError(`Node "${state.node.id}" timed out after ${state.timeout} ms`, state.timeout);
          settle(index, 'timeout', error);
          controller.abort(error);
        }, state.timeout);
      }
      const depResults = new Map<string, T>();
      for (const dep of state.deps) {
        const depState = states[dep] as NodeState<T>;
        depResults.set(depState.node.id, depState.result?.value as T);
      }
      let outcome: T | PromiseLike<T>;
      try {
        outcome = state.node.run(controller.signal, depResults);
      } catch (error) {
        settle(index, 'rejected', error);
        return;
      }
      Promise.resolve(outcome).then(
        (value) => settle(index, 'fulfilled', value),
        (error: unknown) => settle(index, 'rejected', error),
      );
    };

    // Re-entrant calls (a node that throws synchronously settles inside `start`) return at once and
    // leave the work to the outer loop, which re-reads the queue on every turn.
    const pump = (): void => {
      if (pumping || finished) return;
      pumping = true;
      try {
        while (readyHead < ready.length && running.size < maxConcurrency) {
          const index = ready[readyHead++] as number;
          if ((states[index] as NodeState<T>).phase === 'pending') start(index);
        }
      } finally {
        pumping = false;
      }
      if (doneCount === total && !finished) finish();
    };

    function onAbort(): void {
      if (finished) return;
      finished = true;
      const reason: unknown = signal?.reason;
      for (const index of running) {
        const state = states[index] as NodeState<T>;
        if (state.timer !== undefined) clearTimeout(state.timer);
        state.controller?.abort(reason);
      }
      reject(reason);
    }

    signal?.addEventListener('abort', onAbort, { once: true });
    for (let index = 0; index < total; index++) {
      if ((states[index] as NodeState<T>).waitingFor === 0) ready.push(index);
    }
    pump();
  });
}

function validateOptions(options: RunGraphOptions): {
  maxConcurrency: number;
  onFailure: 'skip-dependents' | 'stop-all';
  defaultTimeout: number;
  signal: AbortSignal | undefined;
  now: () => number;
} {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected runGraph options to be an object, got ${describeValue(options)}`);
  }
  const { maxConcurrency = Number.POSITIVE_INFINITY, onFailure = 'skip-dependents', timeout, signal, now } = options;
  if (!(maxConcurrency === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxConcurrency) && maxConcurrency >= 1))) {
    throw new TypeError(
      `Expected \`maxConcurrency\` to be an integer from 1 and up or \`Infinity\`, got ${describeValue(maxConcurrency)}`,
    );
  }
  if (typeof onFailure !== 'string' || !FAILURE_POLICIES.has(onFailure)) {
    throw new TypeError(
      `Expected \`onFailure\` to be 'skip-dependents' or 'stop-all', got ${describeValue(onFailure)}`,
    );
  }
  if (timeout !== undefined) assertTimeout(timeout, '`timeout`');
  if (
    signal !== undefined &&
    (typeof signal !== 'object' || signal === null || typeof (signal as Partial<AbortSignal>).addEventListener !== 'function')
  ) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(`Expected \`now\` to be a function, got ${describeValue(now)}`);
  }
  return {
    maxConcurrency,
    onFailure,
    defaultTimeout: timeout ?? Number.POSITIVE_INFINITY,
    signal,
    now: now ?? (() => performance.now()),
  };
}

function assertTimeout(timeout: unknown, name: string): asserts timeout is number {
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout <= 0) {
    throw new TypeError(
      `Expected ${name} to be a number of milliseconds above 0 (or Infinity), got ${describeValue(timeout)}`,
    );
  }
}

function buildGraph<T>(nodes: Iterable<GraphNode<T>>, defaultTimeout: number): NodeState<T>[] {
  if (typeof nodes !== 'object' || nodes === null || typeof (nodes as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`Expected \`nodes\` to be an iterable of graph nodes, got ${describeValue(nodes)}`);
  }
  const list = [...nodes];
  const indexById = new Map<string, number>();
  list.forEach((node, index) => {
    const where = `nodes[${index}]`;
    if (typeof node !== 'object' || node === null) {
      throw new TypeError(`Expected ${where} to be a graph node object, got ${describeValue(node)}`);
    }
    const { id, deps, run, timeout } = node;
    if (typeof id !== 'string' || id === '') {
      throw new TypeError(`Expected ${where}.id to be a non-empty string, got ${describeValue(id)}`);
    }
    if (typeof run !== 'function') {
      throw new TypeError(`Expected ${where}.run (node "${id}") to be a function, got ${describeValue(run)}`);
    }
    if (deps !== undefined && (!Array.isArray(deps) || deps.some((dep) => typeof dep !== 'string'))) {
      throw new TypeError(
        `Expected ${where}.deps (node "${id}") to be an array of node ids, got ${describeValue(deps)}`,
      );
    }
    if (timeout !== undefined) assertTimeout(timeout, `${where}.timeout (node "${id}")`);
    const previous = indexById.get(id);
    if (previous !== undefined) {
      throw new WhiteboxError('CONFIG_INVALID', `Duplicate node id "${id}" (nodes[${previous}] and ${where})`);
    }
    indexById.set(id, index);
  });

  const states: NodeState<T>[] = list.map((node) => {
    const deps: number[] = [];
    for (const dep of new Set(node.deps ?? [])) {
      const depIndex = indexById.get(dep);
      if (depIndex === undefined) {
        throw new WhiteboxError('CONFIG_INVALID', `Node "${node.id}" depends on "${dep}", which does not exist`);
      }
      deps.push(depIndex);
    }
    return {
      node,
      deps,
      dependents: [],
      timeout: node.timeout ?? defaultTimeout,
      waitingFor: deps.length,
      phase: 'pending',
      startedAt: 0,
    };
  });
  states.forEach((state, index) => {
    for (const dep of state.deps) (states[dep] as NodeState<T>).dependents.push(index);
  });
  assertAcyclic(states);
  return states;
}

/** Iterative DFS (no recursion limit) that reports the first cycle in declaration order. */
function assertAcyclic<T>(states: readonly NodeState<T>[]): void {
  const UNSEEN = 0;
  const ON_PATH = 1;
  const DONE = 2;
  const color = new Uint8Array(states.length);
  for (let root = 0; root < states.length; root++) {
    if (color[root] !== UNSEEN) continue;
    const path: number[] = [root];
    const nextDep: number[] = [0];
    color[root] = ON_PATH;
    while (path.length > 0) {
      const top = path.length - 1;
      const index = path[top] as number;
      const deps = (states[index] as NodeState<T>).deps;
      const cursor = nextDep[top] as number;
      if (cursor === deps.length) {
        color[index] = DONE;
        path.pop();
        nextDep.pop();
        continue;
      }
      nextDep[top] = cursor + 1;
      const dep = deps[cursor] as number;
      if (color[dep] === ON_PATH) {
        const cycle = [...path.slice(path.indexOf(dep)), dep].map((i) => (states[i] as NodeState<T>).node.id);
        throw new WhiteboxError(
          'CONFIG_INVALID',
          `Dependency cycle: ${cycle.join(' → ')} (each node depends on the next)`,
        );
      }
      if (color[dep] === UNSEEN) {
        color[dep] = ON_PATH;
        path.push(dep);
        nextDep.push(0);
      }
    }
  }
}

function criticalPathOf<T>(states: readonly NodeState<T>[]): CriticalPath {
  let last: NodeState<T> | undefined;
  for (const state of states) {
    const result = state.result;
    if (result?.started && (last === undefined || result.finishedAt > (last.result as GraphNodeResult<T>).finishedAt)) {
      last = state;
    }
  }
  const chain: NodeState<T>[] = [];
  // Walk back through the dependency that finished last: it is the one that held the node back.
  // Every dependency of a node that started has itself started and finished.
  for (let current = last; current !== undefined; ) {
    chain.push(current);
    let gate: NodeState<T> | undefined;
    for (const dep of current.deps) {
      const candidate = states[dep] as NodeState<T>;
      if (gate === undefined || (candidate.result as GraphNodeResult<T>).finishedAt > (gate.result as GraphNodeResult<T>).finishedAt) {
        gate = candidate;
      }
    }
    current = gate;
  }
  chain.reverse();
  return {
    ids: chain.map((state) => state.node.id),
    durationMs: chain.reduce((sum, state) => sum + (state.result as GraphNodeResult<T>).durationMs, 0),
  };
}
