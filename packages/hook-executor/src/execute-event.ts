import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { classifyHookResult, matchesHookInput, mergeHookResults } from '@whitebox/core';
import type { HookResult, MergedHookResult, PerfOutcome } from '@whitebox/core';
import { runGraph } from '@whitebox/parallel-core';
import type { CpuPool, CriticalPath, GraphNode } from '@whitebox/parallel-core';
import { DEFAULT_MAX_OUTPUT_BYTES, defaultHookTimeoutSeconds, RECEIVES_OUTPUTS_KEY } from './executor-constants.js';

export { DEFAULT_MAX_OUTPUT_BYTES };
import type { DependencyOutput, ExecutorConfig, ExecutorEvent, ExecutorHook } from './executor-config.js';
import { hookEnvironment } from './hook-environment.js';
import { outcomeWithoutProcess, runCommandHook } from './run-command-hook.js';
import type { CommandHookOutcome } from './run-command-hook.js';
import { createModuleHookLoader, runModuleHook } from './run-module-hook.js';
import type { ModuleHookLoader } from './run-module-hook.js';
import type { WarmShell } from './warm-shell-pool.js';
import { monotonicNow } from './monotonic-now.js';


/** Options for {@link executeEvent}. */
export interface ExecuteEventOptions {
  /** The validated configuration. */
  readonly config: ExecutorConfig;
  /** Directory relative `module` and `cwd` paths resolve against (the config file's directory). */
  readonly configDir: string;
  /** The event to run. */
  readonly event: string;
  /** The validated hook input. */
  readonly input: Readonly<Record<string, unknown>>;
  /** The input exactly as received, passed on stdin to hooks that do not receive outputs. @default JSON.stringify(input) */
  readonly inputText?: string;
  /** The project directory, for `CLAUDE_PROJECT_DIR` when the environment has none. */
  readonly projectDir: string;
  /** The environment hooks inherit. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working directory of hooks without their own `cwd`. @default process.cwd() */
  readonly cwd?: string;
  /** Aborting it cancels every hook still running or waiting (they are left out of the merge). */
  readonly signal?: AbortSignal;
  /** Loads module hooks; the server passes a warm one. @default a fresh loader */
  readonly loader?: ModuleHookLoader;
  /** The pool for `cpu: true` module hooks; created on first use by the caller. */
  readonly cpuPool?: () => Promise<CpuPool>;
  /**
   * Run these hooks instead of the event's configured list (after matching). `analyze` uses it to
   * run one hook alone or the hooks in another order. `after` edges to hooks not in the list are dropped.
   */
  readonly hooks?: readonly ExecutorHook[];
  /** Overrides the event's `maxConcurrency`; `analyze` runs hooks one at a time with 1. */
  readonly maxConcurrency?: number;
  /** Clock in milliseconds. @default monotonicNow */
  readonly now?: () => number;
  /**
   * Hooks already started by `prestartHooks` with the same input, by id; their processes are
   * adopted instead of started again. They must have been given `stop`'s signal.
   */
  readonly prestarted?: ReadonlyMap<string, Promise<CommandHookOutcome>>;
  /**
   * The controller that stops hooks (deadline, short-circuit, cancel); pass it when hooks were
   * prestarted with its signal. @default a new one
   */
  readonly stop?: AbortController;
  /** When the event started on the `now` clock, for the deadline when hooks were prestarted. @default now() */
  readonly startedAt?: number;
  /** Takes a shell started in advance for a command hook (the server's pool). @default none: hooks are spawned */
  readonly warmShell?: () => WarmShell | undefined;
}

/** What became of one selected hook. */
export interface HookRun {
  /** The hook's id. */
  readonly id: string;
  /** Its configuration. */
  readonly hook: ExecutorHook;
  /**
   * `ran` (it ran to an end, possibly killed at its timeout or the deadline), `not-started` (the
   * deadline passed before it could start; counts as timed out), or `cancelled` (a short-circuit or
   * the caller's signal stopped it; left out of the merge and of timing records).
   */
  readonly status: 'ran' | 'not-started' | 'cancelled';
  /** What the process or module did. */
  readonly outcome: CommandHookOutcome;
  /** What went into the merge, after `onError`/`onTimeout` (`failClosed`) were applied. */
  readonly result: HookResult;
  /** How the timing record classifies it. */
  readonly perfOutcome: PerfOutcome;
  /** Milliseconds since the event started. */
  readonly startedAt: number;
  readonly finishedAt: number;
  /** The ids of the selected hooks it ran after. */
  readonly after: readonly string[];
}

/** What {@link executeEvent} resolves to. */
export interface ExecuteEventResult {
  readonly event: string;
  /** The one result Claude Code should act on; print `merged.stdout`/`stderr` and exit `merged.exitCode`. */
  readonly merged: MergedHookResult;
  /** Every selected hook, in configuration order. */
  readonly hooks: readonly HookRun[];
  /** Wall time of the whole event. */
  readonly durationMs: number;
  /** The chain of hooks that decided the wall time. */
  readonly criticalPath: CriticalPath;
  /** The hook whose block or deny cancelled the rest (`shortCircuit`). */
  readonly shortCircuitedBy?: string;
  /** The event deadline passed before every hook finished. */
  readonly deadlineExceeded: boolean;
}

/**
 * The core engine: selects the event's hooks whose matcher fits the input, runs them as a
 * dependency graph (as parallel as `after` and `maxConcurrency` allow), and merges the results in
 * configuration order with `mergeHookResults`, so the merge is deterministic whatever the finish order.
 *
 * - Command hooks are child processes in their own process groups, killed as a group at their
 *   timeout; module hooks run in-process or, with `cpu: true`, on the CPU pool.
 * - A hook starts once every hook in its `after` list has finished, whatever their outcome; with
 *   `receivesOutputs`, their results are added to its input under `hook_executor_outputs`.
 * - `onTimeout`/`onError: "block"` turn a timeout or failure into a block (fail closed).
 * - `deadline` kills what still runs when it passes; hooks not yet started count as timed out.
 * - `shortCircuit` cancels the remaining hooks once one blocks or denies.
 *
 * Never rejects for a hook's failure; throws only for invalid arguments.
 */
export async function executeEvent(options: ExecuteEventOptions): Promise<ExecuteEventResult> {
  const { config, event, input } = options;
  const now = options.now ?? monotonicNow;
  const block: ExecutorEvent = config.events[event] ?? { hooks: [] };
  const candidates = options.hooks ?? block.hooks;
  const selected = candidates.filter((hook) => matchesHookInput(hook.matcher, { ...input, hook_event_name: event }));
  const selectedIds = new Set(selected.map((hook) => hook.id));
  const inputText = options.inputText ?? JSON.stringify(input);
  const maxOutputBytes = config.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const baseEnv = options.env ?? process.env;
  // Built once per event, on first use; a hook with its own `env` gets a copy with it on top.
  let common: Record<string, string> | undefined;
  const commonEnv = (): Record<string, string> => (common ??= hookEnvironment({ base: baseEnv, projectDir: options.projectDir, input }));
  const defaultCwd = options.cwd ?? process.cwd();
  const loader = options.loader ?? createModuleHookLoader();
  const timeoutDefault = defaultHookTimeoutSeconds(event);

  // One controller stops everything: the deadline ('deadline'), a short-circuit or the caller.
  const stop = options.stop ?? new AbortController();
  // Every running hook listens on it; 21 hooks would trip Node's leak warning at 10.
  setMaxListeners(selected.length + 10, stop.signal);
  const prestarted = options.prestarted ?? new Map<string, Promise<CommandHookOutcome>>();
  let shortCircuitedBy: string | undefined;
  let deadlineExceeded = false;
  const onExternalAbort = (): void => stop.abort('cancelled');
  if (options.signal?.aborted) stop.abort('cancelled');
  else options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  if (block.deadline !== undefined && selected.length > 0) {
    const elapsed = options.startedAt === undefined ? 0 : now() - options.startedAt;
    deadlineTimer = setTimeout(() => {
      deadlineExceeded = true;
      stop.abort('deadline');
    }, Math.max(0, Math.min(block.deadline * 1000 - elapsed, 2 ** 31 - 1)));
  }

  const nodes: GraphNode<Omit<HookRun, 'perfOutcome'>>[] = selected.map((hook) => {
    const after = (hook.after ?? []).filter((id) => selectedIds.has(id));
    return {
      id: hook.id,
      deps: after,
      run: async (_signal, depResults) => {
        const onTimeout = hook.onTimeout ?? block.onTimeout ?? 'allow';
        const onError = hook.onError ?? block.onError ?? 'allow';
        let outcome: CommandHookOutcome;
        let status: HookRun['status'] = 'ran';
        const adopted = prestarted.get(hook.id);
        if (adopted !== undefined) {
          outcome = await adopted;
          if (outcome.stopped === 'cancelled') status = 'cancelled';
        } else if (stop.signal.aborted) {
          status = stop.signal.reason === 'deadline' ? 'not-started' : 'cancelled';
          outcome = notStarted(status === 'not-started' ? 'timeout' : 'cancelled');
        } else {
          const hookInput = hook.receivesOutputs === true ? withOutputs(input, depResults) : input;
          const stdin = hook.receivesOutputs === true ? JSON.stringify(hookInput) : inputText;
          const timeoutMs = (hook.timeout ?? timeoutDefault) * 1000;
          if (hook.command !== undefined) {
            outcome = await runCommandHook(
              { command: hook.command, args: hook.args, shell: hook.shell },
              {
                stdin,
                env: hook.env === undefined ? commonEnv() : { ...commonEnv(), ...hook.env },
                cwd: hook.cwd === undefined ? defaultCwd : path.resolve(options.configDir, hook.cwd),
                timeoutMs,
                maxOutputBytes,
                signal: stop.signal,
                now,
                warmShell: options.warmShell,
              },
            );
          } else {
            outcome = await runModuleHook({
              file: path.resolve(options.configDir, hook.module as string),
              exportName: hook.export,
              input: hookInput,
              context: { event, hookId: hook.id, projectDir: options.projectDir },
              timeoutMs,
              maxOutputBytes,
              signal: stop.signal,
              loader,
              cpuPool: hook.cpu === true ? options.cpuPool : undefined,
              now,
            });
          }
          if (outcome.stopped === 'cancelled') status = 'cancelled';
        }
        const result = applyPolicies(event, hook.id, outcome, { onError, onTimeout });
        if (block.shortCircuit === true && status !== 'cancelled' && !stop.signal.aborted && mergeHookResults(event, [result]).blocked) {
          shortCircuitedBy = hook.id;
          stop.abort('short-circuit');
        }
        return { id: hook.id, hook, status, outcome, result, startedAt: 0, finishedAt: 0, after };
      },
    };
  });

  try {
    const graph = await runGraph(nodes, {
      ...(options.maxConcurrency !== undefined || block.maxConcurrency !== undefined
        ? { maxConcurrency: options.maxConcurrency ?? block.maxConcurrency }
        : {}),
      now,
    });
    const hooks = graph.nodes.map((node) => {
      const run = { ...(node.value as Omit<HookRun, 'perfOutcome'>), startedAt: node.startedAt, finishedAt: node.finishedAt };
      // Computed on first read: the server records timings after answering, off the hot path.
      let perfOutcome: PerfOutcome | undefined;
      Object.defineProperty(run, 'perfOutcome', { enumerable: true, get: () => (perfOutcome ??= perfOutcomeOf(event, run.result)) });
      return run as HookRun;
    });
    const merged = mergeHookResults(
      event,
      hooks.filter((run) => run.status !== 'cancelled').map((run) => run.result),
    );
    return {
      event,
      merged,
      hooks,
      durationMs: graph.durationMs,
      criticalPath: graph.criticalPath,
      ...(shortCircuitedBy !== undefined && { shortCircuitedBy }),
      deadlineExceeded,
    };
  } finally {
    if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
    options.signal?.removeEventListener('abort', onExternalAbort);
  }
}

/** How a timing record classifies one hook's result: a block, an error, a timeout or fine. */
export function perfOutcomeOf(event: string, result: HookResult): PerfOutcome {
  if (result.timedOut) return 'timeout';
  // The common case without a merge: exit 0 with plain or no output is a success on every event
  // but WorktreeCreate, where printing no path fails the event.
  if (result.exitCode === 0 && !result.failedToStart && event !== 'WorktreeCreate' && !result.stdout.trimStart().startsWith('{')) return 'ok';
  const single = mergeHookResults(event, [result]);
  if (single.blocked) return 'blocked';
  return single.errors.length > 0 ? 'error' : 'ok';
}

function notStarted(stopped: 'timeout' | 'cancelled'): CommandHookOutcome {
  return outcomeWithoutProcess({ stopped, error: stopped === 'timeout' ? 'not started before the event deadline' : 'cancelled before it started' });
}

/** The input plus the dependencies' results under {@link RECEIVES_OUTPUTS_KEY}. */
function withOutputs(input: Readonly<Record<string, unknown>>, depResults: ReadonlyMap<string, Pick<HookRun, 'outcome'>>): Record<string, unknown> {
  const outputs: Record<string, DependencyOutput> = {};
  for (const [id, run] of depResults) {
    const { outcome } = run;
    const parsed = parseJsonObject(outcome.stdout);
    outputs[id] = {
      exit_code: outcome.exitCode,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      ...(parsed !== undefined && { output: parsed }),
      timed_out: outcome.stopped === 'timeout',
      duration_ms: Math.round(outcome.durationMs * 10) / 10,
    };
  }
  return { ...input, [RECEIVES_OUTPUTS_KEY]: outputs };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hook result the merge sees. `onTimeout: "block"` sets core's `failClosed` on a timeout;
 * `onError: "block"` sets it on a failure to start and turns any other failure (a non-zero exit
 * other than 2, output that fails validation) into an exit 2 with a reason.
 */
export function applyPolicies(
  event: string,
  id: string,
  outcome: CommandHookOutcome,
  policies: { readonly onError: 'allow' | 'block'; readonly onTimeout: 'allow' | 'block' },
): HookResult {
  const timedOut = outcome.stopped === 'timeout';
  const base: HookResult = {
    id,
    exitCode: outcome.exitCode,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    durationMs: Math.round(outcome.durationMs),
    timedOut,
    failedToStart: outcome.failedToStart && !timedOut,
    ...(outcome.error !== undefined && { error: outcome.error }),
  };
  if (timedOut) return policies.onTimeout === 'block' ? { ...base, failClosed: true } : base;
  if (base.failedToStart) return policies.onError === 'block' ? { ...base, failClosed: true } : base;
  if (policies.onError === 'block') {
    const classified = classifyHookResult(event, base);
    if (classified.kind === 'error') {
      return { ...base, exitCode: 2, stdout: '', stderr: `Hook ${id} ${classified.message}, and it is set to fail closed` };
    }
  }
  return base;
}
