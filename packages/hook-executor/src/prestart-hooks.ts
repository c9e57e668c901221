import path from 'node:path';
import { DEFAULT_MAX_OUTPUT_BYTES, defaultHookTimeoutSeconds } from './executor-constants.js';
import type { ExecutorEvent, ExecutorHook } from './executor-config.js';
import { hookEnvironment } from './hook-environment.js';
import { isLaunchable, MAX_LAUNCHED_HOOKS, MIN_LAUNCHED_HOOKS, startHookLauncher } from './hook-launcher.js';
import type { HookLauncher, LaunchedHook } from './hook-launcher.js';
import { commandHookArgv, runCommandHook } from './run-command-hook.js';
import type { CommandHookOutcome } from './run-command-hook.js';

/** Options for {@link prestartHooks}. */
export interface PrestartHooksOptions {
  readonly block: ExecutorEvent;
  /** The config's `maxOutputBytes`. @default DEFAULT_MAX_OUTPUT_BYTES */
  readonly maxOutputBytes?: number | undefined;
  readonly event: string;
  readonly configDir: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly inputText: string;
  readonly projectDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The executor's stop signal: deadline, short-circuit, interruption. */
  readonly signal: AbortSignal;
  /**
   * A launcher started in advance (see {@link wantsHookLauncher}); used, or cancelled. Without
   * one, one is started here when it pays.
   */
  readonly launcher?: HookLauncher | undefined;
}

/** What {@link prestartHooks} started. */
export interface PrestartedHooks {
  /** Each hook's outcome, by id. */
  readonly started: Map<string, Promise<CommandHookOutcome>>;
  /**
   * Settles once every launched hook's program runs (or could not start). Until then the CPU
   * belongs to the launcher and the hooks' own start-up: loading the rest of the executor waits.
   */
  readonly running: Promise<void>;
}

const MATCH_ALL = new Set(['', '*']);

/**
 * The hooks {@link prestartHooks} starts: the command hooks without `after`, in configuration
 * order, up to `maxConcurrency`. None when a hook of the event has a matcher, because matching
 * needs the validation code; without matchers every hook matches, and these are exactly the hooks
 * the graph would start first.
 */
export function prestartCandidates(block: ExecutorEvent): ExecutorHook[] {
  if (block.hooks.some((hook) => hook.matcher !== undefined && !MATCH_ALL.has(hook.matcher.trim()))) return [];
  const roots = block.hooks.filter((hook) => (hook.after ?? []).length === 0).slice(0, block.maxConcurrency ?? Number.POSITIVE_INFINITY);
  return roots.filter((hook) => hook.command !== undefined);
}

/** Whether {@link prestartHooks} would start `block`'s hooks through a launcher. */
export function wantsHookLauncher(block: ExecutorEvent): boolean {
  return launcherPays(prestartCandidates(block).length);
}

function launcherPays(hookCount: number): boolean {
  return hookCount >= MIN_LAUNCHED_HOOKS && hookCount <= MAX_LAUNCHED_HOOKS;
}

/**
 * Starts the hooks the graph would start first ({@link prestartCandidates}) before the executor's
 * validation and merge code is loaded. `executeEvent` adopts the processes.
 *
 * They start through one launcher process where there is one (see `startHookLauncher`), because
 * Node's own spawn costs about 1.3 ms per hook, in series.
 */
export function prestartHooks(options: PrestartHooksOptions): PrestartedHooks {
  const started = new Map<string, Promise<CommandHookOutcome>>();
  const hooks = prestartCandidates(options.block);
  const timeoutDefault = defaultHookTimeoutSeconds(options.event);
  // One environment for the event; a hook with its own `env` gets a copy with it on top.
  const common = hookEnvironment({ base: options.env, projectDir: options.projectDir, input: options.input });
  const cwdOf = (hook: ExecutorHook): string => (hook.cwd === undefined ? process.cwd() : path.resolve(options.configDir, hook.cwd));
  const specOf = (hook: ExecutorHook): { command: string; args: readonly string[] | undefined; shell: string | undefined } => ({
    command: hook.command as string,
    args: hook.args,
    shell: hook.shell,
  });

  let launched: LaunchedHook[] | undefined;
  const requests = hooks.map((hook) => ({ argv: commandHookArgv(specOf(hook)).argv, cwd: cwdOf(hook), env: hook.env }));
  const launchable = launcherPays(hooks.length) && requests.every(isLaunchable);
  const launcher = options.launcher ?? (launchable ? startHookLauncher({ env: options.env }) : undefined);
  if (launcher !== undefined && launchable) launched = launcher.launch(requests, { env: common, stdin: options.inputText });
  else launcher?.cancel();

  hooks.forEach((hook, index) => {
    started.set(
      hook.id,
      runCommandHook(specOf(hook), {
        stdin: options.inputText,
        env: hook.env === undefined ? common : { ...common, ...hook.env },
        cwd: cwdOf(hook),
        timeoutMs: (hook.timeout ?? timeoutDefault) * 1000,
        maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
        signal: options.signal,
        launched: launched?.[index],
      }),
    );
  });
  const running = launched === undefined ? Promise.resolve() : Promise.all(launched.map((hook) => hook.running)).then(() => undefined);
  return { started, running };
}
