import path from 'node:path';
import { DEFAULT_MAX_OUTPUT_BYTES, defaultHookTimeoutSeconds } from './executor-constants.js';
import type { ExecutorEvent } from './executor-config.js';
import { hookEnvironment } from './hook-environment.js';
import { runCommandHook } from './run-command-hook.js';
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
}

const MATCH_ALL = new Set(['', '*']);

/**
 * Starts the hooks the graph would start first, before the executor's validation and merge code is
 * loaded: the command hooks without `after`, in configuration order, up to `maxConcurrency`. Only
 * when no hook of the event has a matcher, because matching needs that code; then every hook
 * matches and the first ready hooks are exactly these. `executeEvent` adopts the processes.
 */
export function prestartHooks(options: PrestartHooksOptions): Map<string, Promise<CommandHookOutcome>> {
  const started = new Map<string, Promise<CommandHookOutcome>>();
  const { block } = options;
  if (block.hooks.some((hook) => hook.matcher !== undefined && !MATCH_ALL.has(hook.matcher.trim()))) return started;
  const roots = block.hooks.filter((hook) => (hook.after ?? []).length === 0).slice(0, block.maxConcurrency ?? Number.POSITIVE_INFINITY);
  const timeoutDefault = defaultHookTimeoutSeconds(options.event);
  // One environment for the event; a hook with its own `env` gets a copy with it on top.
  const common = hookEnvironment({ base: options.env, projectDir: options.projectDir, input: options.input });
  for (const hook of roots) {
    if (hook.command === undefined) continue;
    started.set(
      hook.id,
      runCommandHook(
        { command: hook.command, args: hook.args, shell: hook.shell },
        {
          stdin: options.inputText,
          env: hook.env === undefined ? common : { ...common, ...hook.env },
          cwd: hook.cwd === undefined ? process.cwd() : path.resolve(options.configDir, hook.cwd),
          timeoutMs: (hook.timeout ?? timeoutDefault) * 1000,
          maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
          signal: options.signal,
        },
      ),
    );
  }
  return started;
}
