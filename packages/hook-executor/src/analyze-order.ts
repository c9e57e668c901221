import { spawnSync } from 'node:child_process';
import { executeEvent } from './execute-event.js';
import type { ExecuteEventOptions, HookRun } from './execute-event.js';
import type { ExecutorHook } from './executor-config.js';

/** Options for {@link analyzeOrder}: what {@link executeEvent} needs, plus the analysis knobs. */
export interface AnalyzeOrderOptions extends Omit<ExecuteEventOptions, 'hooks' | 'maxConcurrency' | 'signal'> {
  /** How many shuffled parallel runs. @default 3 */
  readonly shuffles?: number;
  /**
   * A shell command run (in the project directory) before every trial to put shared state back,
   * e.g. `rm -f .cache/lint-marker`. Without it, a side effect of one trial is seen by the next,
   * and dependencies through files can go unnoticed.
   */
  readonly reset?: string;
  /** Random numbers in [0, 1) for the shuffles; inject for reproducible orders. @default Math.random */
  readonly random?: () => number;
  /** Called before each trial, for progress. */
  readonly onTrial?: (label: string) => void;
}

/** What one hook did across the trials. */
export interface HookOrderReport {
  readonly id: string;
  /** Median wall time when run alone, in milliseconds. */
  readonly medianMs: number;
  /** Trials in which it exited non-zero or could not start. */
  readonly failures: number;
  /** Trials in which it timed out. */
  readonly timeouts: number;
  /** Its result when run alone differs between two alone runs: output depends on time, not order. */
  readonly nondeterministic: boolean;
  /** Its result depends on which hooks ran before it. */
  readonly orderDependent: boolean;
  /** How its result varied: `alone`, `configuration order` and `shuffle N`, each with a short fingerprint. */
  readonly results: readonly { readonly trial: string; readonly fingerprint: string }[];
}

/** An `after` edge the analysis proposes. */
export interface AfterProposal {
  /** The hook that should wait. */
  readonly hook: string;
  /** The hooks it should run after. */
  readonly after: readonly string[];
  /** Why, for people. */
  readonly reason: string;
}

/** What {@link analyzeOrder} found. */
export interface AnalyzeOrderResult {
  readonly event: string;
  readonly hooks: readonly HookOrderReport[];
  readonly proposals: readonly AfterProposal[];
  /** How many times the event's hooks were run, in all. */
  readonly trials: number;
}

/**
 * Finds hooks whose result depends on the order hooks run in, and proposes `after` edges that make
 * the configuration order's behaviour the only one:
 *
 * 1. each hook alone (after its declared dependencies), twice, to tell order from plain nondeterminism;
 * 2. all hooks one at a time in configuration order;
 * 3. all hooks in parallel, in `shuffles` shuffled start orders.
 *
 * A hook is order-dependent when its result (exit code, stdout, timed out or not) in a run with the
 * others differs from its result alone, or differs between runs. For each such hook, pair runs find
 * the hook(s) it depends on: an earlier hook whose run before it reproduces its configuration-order
 * result becomes an `after` edge; a later hook that changes it becomes an edge the other way round.
 *
 * Hooks really run, side effects included; pass `reset` to restore shared state between trials.
 */
export async function analyzeOrder(options: AnalyzeOrderOptions): Promise<AnalyzeOrderResult> {
  const shuffles = options.shuffles ?? 3;
  if (!Number.isSafeInteger(shuffles) || shuffles < 0) {
    throw new TypeError(`Expected \`shuffles\` to be an integer ≥ 0, got \`${String(shuffles)}\` (${typeof shuffles})`);
  }
  const random = options.random ?? Math.random;
  const event = options.event;
  const all = options.config.events[event]?.hooks ?? [];
  const byId = new Map(all.map((hook) => [hook.id, hook]));
  let trials = 0;

  const trial = async (label: string, hooks: readonly ExecutorHook[], maxConcurrency?: number): Promise<Map<string, HookRun>> => {
    options.onTrial?.(label);
    if (options.reset !== undefined) {
      spawnSync('sh', ['-c', options.reset], { cwd: options.cwd ?? options.projectDir, stdio: 'ignore' });
    }
    trials++;
    const result = await executeEvent({ ...options, hooks, ...(maxConcurrency !== undefined && { maxConcurrency }) });
    return new Map(result.hooks.map((run) => [run.id, run]));
  };

  // A hook with declared dependencies is "alone" after them: those edges are already known.
  const withAncestors = (id: string): ExecutorHook[] => {
    const needed = new Set<string>();
    const visit = (current: string): void => {
      for (const dep of byId.get(current)?.after ?? []) {
        if (!needed.has(dep)) {
          needed.add(dep);
          visit(dep);
        }
      }
    };
    visit(id);
    needed.add(id);
    return all.filter((hook) => needed.has(hook.id));
  };

  const alone = new Map<string, HookRun[]>();
  for (const round of [1, 2]) {
    for (const hook of all) {
      const runs = await trial(`${hook.id} alone (${round}/2)`, withAncestors(hook.id), 1);
      const run = runs.get(hook.id);
      if (run !== undefined) alone.set(hook.id, [...(alone.get(hook.id) ?? []), run]);
    }
  }
  const sequential = await trial('configuration order, one at a time', all, 1);
  const shuffled: Map<string, HookRun>[] = [];
  for (let i = 0; i < shuffles; i++) shuffled.push(await trial(`shuffle ${i + 1}/${shuffles}, in parallel`, shuffle(all, random)));

  const reports: HookOrderReport[] = [];
  const dependent: string[] = [];
  for (const hook of all) {
    const own = alone.get(hook.id) ?? [];
    const aloneFingerprints = own.map((run) => fingerprint(run));
    const nondeterministic = new Set(aloneFingerprints).size > 1;
    const withOthers = [sequential, ...shuffled].map((runs) => runs.get(hook.id)).filter((run): run is HookRun => run !== undefined);
    const others = withOthers.map((run) => fingerprint(run));
    const orderDependent = !nondeterministic && (others.some((print) => print !== aloneFingerprints[0]) || new Set(others).size > 1);
    if (orderDependent) dependent.push(hook.id);
    const everyRun = [...own, ...withOthers];
    reports.push({
      id: hook.id,
      medianMs: median(own.map((run) => run.outcome.durationMs)),
      failures: everyRun.filter((run) => run.outcome.failedToStart || (run.outcome.exitCode !== 0 && run.outcome.stopped === undefined)).length,
      timeouts: everyRun.filter((run) => run.outcome.stopped === 'timeout').length,
      nondeterministic,
      orderDependent,
      results: [
        ...own.map((run, i) => ({ trial: `alone ${i + 1}`, fingerprint: shortPrint(run) })),
        ...(sequential.has(hook.id) ? [{ trial: 'configuration order', fingerprint: shortPrint(sequential.get(hook.id) as HookRun) }] : []),
        ...shuffled.flatMap((runs, i) => (runs.has(hook.id) ? [{ trial: `shuffle ${i + 1}`, fingerprint: shortPrint(runs.get(hook.id) as HookRun) }] : [])),
      ],
    });
  }

  // Pair runs: which hooks does each order-dependent hook depend on?
  const edges = new Map(all.map((hook) => [hook.id, new Set(hook.after ?? [])]));
  const reasons = new Map<string, string[]>();
  const addEdge = (from: string, to: string, reason: string): boolean => {
    if (from === to || edges.get(from)?.has(to) || reaches(edges, to, from)) return false;
    edges.get(from)?.add(to);
    const key = `${from}\0${to}`;
    reasons.set(key, [...(reasons.get(key) ?? []), reason]);
    return true;
  };
  for (const id of dependent) {
    const position = all.findIndex((hook) => hook.id === id);
    const expected = sequential.get(id);
    if (expected === undefined) continue;
    const target = fingerprint(expected);
    const aloneTarget = fingerprint((alone.get(id) ?? [])[0] as HookRun);
    let explained = false;
    for (const [index, other] of all.entries()) {
      if (other.id === id || reaches(edges, id, other.id)) continue;
      const pair = uniqueHooks([...withAncestors(other.id), ...withAncestors(id)]);
      const runs = await trial(`${other.id} then ${id}`, pair, 1);
      const seen = runs.get(id);
      if (seen === undefined) continue;
      const print = fingerprint(seen);
      if (index < position && print === target && target !== aloneTarget) {
        explained = addEdge(id, other.id, `${id} gives its configuration-order result only after ${other.id} ran`) || explained;
      } else if (index > position && print !== target) {
        explained = addEdge(other.id, id, `${other.id} running first changes ${id}'s result`) || explained;
      }
    }
    if (!explained && target !== aloneTarget) {
      // No single hook explains it: keep the configuration order for everything before it.
      for (const earlier of all.slice(0, position)) addEdge(id, earlier.id, `${id} depends on the hooks before it together`);
    }
  }

  const proposals: AfterProposal[] = [];
  for (const hook of all) {
    const added = [...(edges.get(hook.id) ?? [])].filter((dep) => !(hook.after ?? []).includes(dep));
    if (added.length === 0) continue;
    proposals.push({
      hook: hook.id,
      after: added,
      reason: added.flatMap((dep) => reasons.get(`${hook.id}\0${dep}`) ?? []).join('; '),
    });
  }
  return { event, hooks: reports, proposals, trials };
}

/** The part of a result that order can change; durations and stderr are left out. */
function fingerprint(run: HookRun): string {
  const { outcome } = run;
  return JSON.stringify([outcome.stopped === 'timeout' ? 'timeout' : outcome.exitCode, outcome.stdout.trim()]);
}

function shortPrint(run: HookRun): string {
  const { outcome } = run;
  if (outcome.stopped === 'timeout') return 'timed out';
  const text = outcome.stdout.trim().replace(/\s+/g, ' ');
  return `exit ${outcome.exitCode ?? '-'}${text === '' ? '' : `: ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`}`;
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function uniqueHooks(hooks: readonly ExecutorHook[]): ExecutorHook[] {
  const seen = new Set<string>();
  return hooks.filter((hook) => !seen.has(hook.id) && seen.add(hook.id));
}

/** Whether `from` reaches `to` through `after` edges. */
function reaches(edges: ReadonlyMap<string, ReadonlySet<string>>, from: string, to: string): boolean {
  const stack = [from];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const current = stack.pop() as string;
    if (current === to) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    stack.push(...(edges.get(current) ?? []));
  }
  return false;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
