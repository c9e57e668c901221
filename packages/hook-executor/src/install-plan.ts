import { isDeepStrictEqual } from 'node:util';
import { matcherFieldFor } from '@whitebox/core';
import type { ExecutorConfig, ExecutorHook } from './executor-config.js';
import { defaultHookTimeoutSeconds } from './executor-constants.js';
import { TOKEN_ENV_VAR } from './server-state.js';
import { WHITEBOX_HOOKS } from './whitebox-hooks.js';
import type { WhiteboxHookName } from './whitebox-hooks.js';

/** How settings.json reaches the executor: one command hook per event, or one http hook per event. */
export type InstallMode = 'command' | 'http';

/** What {@link planInstall} needs; everything is data, nothing is read or written. */
export interface InstallPlanInput {
  /** The settings file's parsed JSON (not modified). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** How the settings file is named in `origin.settings`, e.g. `.claude/settings.json`. */
  readonly settingsLabel: string;
  /** The current executor config (not modified). */
  readonly executorConfig: ExecutorConfig;
  readonly mode: InstallMode;
  /** The command that starts the executor, e.g. `hook-executor` or `node /abs/bin/hook-executor.js`. */
  readonly bin: string;
  /** Extra arguments after `run --event <E>`, e.g. `--config <file>` for a non-default config. */
  readonly runArgs?: readonly string[];
  /** The server's port for http mode. */
  readonly port: number;
  /** Other Whitebox hooks to wire. */
  readonly with?: readonly WhiteboxHookName[];
}

/** The result of a plan: new contents plus what changed. */
export interface InstallPlan {
  readonly settings: Record<string, unknown>;
  readonly executorConfig: ExecutorConfig;
  /** Handlers moved from settings into the executor config, as `Event: id`. */
  readonly moved: readonly string[];
  /** Whitebox hooks wired, as `Event: id`. */
  readonly added: readonly string[];
  /** Handlers left in settings because the executor cannot run them (http, prompt, async, `if`, ...). */
  readonly kept: readonly string[];
}

type Group = { matcher?: string; hooks: Record<string, unknown>[]; [key: string]: unknown };

const INTERPRETERS = new Set(['node', 'nodejs', 'bun', 'deno', 'python', 'python3', 'bash', 'sh', 'zsh', 'npx', 'pnpm', 'tsx', 'uv', 'uvx', 'ruby', 'exec', 'env']);

/**
 * Tells whether a settings handler is an entry hook-executor installed: a command hook running
 * `hook-executor run --event <E>` (any path to the bin), or an http hook posting to `/hooks/<E>`
 * with the executor's token variable.
 */
export function isExecutorEntry(handler: Readonly<Record<string, unknown>>): boolean {
  if (handler['type'] === 'command' && typeof handler['command'] === 'string') {
    return /hook-executor(?:\.js)?['"]?\s+run\s+--event[\s=]/.test(handler['command']);
  }
  if (handler['type'] === 'http' && typeof handler['url'] === 'string') {
    return /\/hooks\/[^/]+$/.test(handler['url']) && JSON.stringify(handler['headers'] ?? {}).includes(TOKEN_ENV_VAR);
  }
  return false;
}

/** Why a settings handler stays in settings, or `undefined` when the executor can run it. */
function whyKept(handler: Readonly<Record<string, unknown>>): string | undefined {
  if (handler['type'] !== 'command') return `type "${String(handler['type'])}"; the executor runs command hooks`;
  if (typeof handler['command'] !== 'string') return 'no command';
  if (handler['async'] === true || handler['asyncRewake'] === true) return 'async; it must not hold the event up';
  if (handler['if'] !== undefined) return 'an "if" rule, which only Claude Code evaluates';
  if (handler['once'] === true) return '"once", which only Claude Code tracks';
  return undefined;
}

/**
 * Plans `install`: moves every settings command hook the executor can run into the executor config
 * (keeping matcher, timeout and order, and recording its origin), wires the requested Whitebox
 * hooks, and leaves one executor entry per event in settings, updated in place when one exists.
 * Running it again on its own output changes nothing.
 */
export function planInstall(input: InstallPlanInput): InstallPlan {
  const settings = structuredClone(input.settings) as Record<string, unknown>;
  const config = structuredClone(input.executorConfig) as ExecutorConfig & { events: Record<string, { hooks: ExecutorHook[] }> };
  const hooksBlock = (isRecord(settings['hooks']) ? settings['hooks'] : {}) as Record<string, Group[]>;
  const moved: string[] = [];
  const kept: string[] = [];
  const added: string[] = [];

  for (const [event, groups] of Object.entries(hooksBlock)) {
    if (!Array.isArray(groups)) continue;
    for (const group of groups) {
      if (!isRecord(group) || !Array.isArray(group.hooks)) continue;
      const remaining: Record<string, unknown>[] = [];
      for (const handler of group.hooks) {
        if (!isRecord(handler) || isExecutorEntry(handler)) {
          remaining.push(handler);
          continue;
        }
        const reason = whyKept(handler);
        if (reason !== undefined) {
          kept.push(`${event}: ${describeHandler(handler)}: ${reason}`);
          remaining.push(handler);
          continue;
        }
        const block = (config.events[event] ??= { hooks: [] });
        const origin = { settings: input.settingsLabel, ...(group.matcher !== undefined && { matcher: group.matcher }), handler };
        const already = block.hooks.find((hook) => isDeepStrictEqual(hook.origin?.handler, handler) && hook.origin?.matcher === group.matcher);
        if (already === undefined) {
          const hook = toExecutorHook(handler, group.matcher, uniqueId(idFor(handler), block.hooks), origin);
          block.hooks.push(hook);
          moved.push(`${event}: ${hook.id}`);
        }
      }
      group.hooks = remaining;
    }
  }

  for (const name of input.with ?? []) {
    for (const { event, hook } of WHITEBOX_HOOKS[name].hooks) {
      const block = (config.events[event] ??= { hooks: [] });
      if (block.hooks.some((existing) => existing.id === hook.id)) continue;
      block.hooks.push(structuredClone(hook));
      added.push(`${event}: ${hook.id}`);
    }
  }

  // One executor entry per event that has executor hooks; none for events that have none.
  for (const event of new Set([...Object.keys(hooksBlock), ...Object.keys(config.events)])) {
    const executorHooks = config.events[event]?.hooks ?? [];
    const entry = executorHooks.length > 0 ? executorEntry(event, executorHooks, config.events[event]?.deadline, input) : undefined;
    const groups = (Array.isArray(hooksBlock[event]) ? hooksBlock[event] : []).filter(isRecord) as Group[];
    let placed = false;
    for (const group of groups) {
      if (!Array.isArray(group.hooks)) continue;
      group.hooks = group.hooks.flatMap((handler) => {
        if (!isRecord(handler) || !isExecutorEntry(handler)) return [handler];
        if (entry === undefined || placed) return [];
        placed = true;
        if (entry.matcher === undefined) delete group.matcher;
        else group.matcher = entry.matcher;
        return [entry.handler];
      });
    }
    if (entry !== undefined && !placed) groups.push({ ...(entry.matcher !== undefined && { matcher: entry.matcher }), hooks: [entry.handler] });
    const nonEmpty = groups.filter((group) => !Array.isArray(group.hooks) || group.hooks.length > 0);
    if (nonEmpty.length > 0) hooksBlock[event] = nonEmpty;
    else delete hooksBlock[event];
  }
  if (Object.keys(hooksBlock).length > 0 || settings['hooks'] !== undefined) settings['hooks'] = hooksBlock;

  return { settings, executorConfig: config, moved, added, kept };
}

/** What {@link planUninstall} returns. */
export interface UninstallPlan {
  readonly settings: Record<string, unknown>;
  readonly executorConfig: ExecutorConfig;
  /** Hooks put back into settings, as `Event: id`. */
  readonly restored: readonly string[];
  /** Whitebox hooks removed, as `Event: id`. */
  readonly removed: readonly string[];
  /** Hooks written by hand in the executor config: they stay there and no longer run. */
  readonly orphaned: readonly string[];
}

/**
 * Plans `uninstall`: removes the executor entries from settings, puts every hook that came from
 * this settings file back (into the group with its matcher, in configuration order), and drops the
 * hooks `--with` wired. Hooks written by hand in the executor config stay there and are reported.
 */
export function planUninstall(input: Pick<InstallPlanInput, 'settings' | 'settingsLabel' | 'executorConfig'>): UninstallPlan {
  const settings = structuredClone(input.settings) as Record<string, unknown>;
  const config = structuredClone(input.executorConfig) as ExecutorConfig;
  const hooksBlock = (isRecord(settings['hooks']) ? settings['hooks'] : {}) as Record<string, Group[]>;
  const restored: string[] = [];
  const removed: string[] = [];
  const orphaned: string[] = [];

  for (const [event, groups] of Object.entries(hooksBlock)) {
    if (!Array.isArray(groups)) continue;
    const kept = groups.filter(isRecord).map((group) => ({
      ...group,
      hooks: Array.isArray(group.hooks) ? group.hooks.filter((handler) => !(isRecord(handler) && isExecutorEntry(handler))) : group.hooks,
    })) as Group[];
    const nonEmpty = kept.filter((group) => !Array.isArray(group.hooks) || group.hooks.length > 0);
    if (nonEmpty.length > 0) hooksBlock[event] = nonEmpty;
    else delete hooksBlock[event];
  }

  for (const [event, block] of Object.entries(config.events)) {
    const stay: ExecutorHook[] = [];
    for (const hook of block.hooks) {
      const origin = hook.origin;
      if (origin?.with !== undefined) {
        removed.push(`${event}: ${hook.id}`);
        continue;
      }
      if (origin?.settings !== input.settingsLabel || origin.handler === undefined) {
        stay.push(hook);
        if (origin?.settings === undefined) orphaned.push(`${event}: ${hook.id}`);
        continue;
      }
      // Back into the group with its matcher, which install left in place when it held other handlers.
      const groups = (hooksBlock[event] ??= []);
      const group = groups.find((candidate) => isRecord(candidate) && candidate.matcher === origin.matcher && Array.isArray(candidate.hooks));
      if (group !== undefined) group.hooks.push(origin.handler);
      else groups.push({ ...(origin.matcher !== undefined && { matcher: origin.matcher }), hooks: [origin.handler] });
      restored.push(`${event}: ${hook.id}`);
    }
    if (stay.length > 0) block.hooks = stay;
    else delete config.events[event];
  }
  if (Object.keys(hooksBlock).length > 0 || settings['hooks'] !== undefined) settings['hooks'] = hooksBlock;
  return { settings, executorConfig: config, restored, removed, orphaned };
}

function executorEntry(
  event: string,
  hooks: readonly ExecutorHook[],
  deadline: number | undefined,
  input: InstallPlanInput,
): { matcher?: string; handler: Record<string, unknown> } {
  const timeout = Math.ceil((deadline ?? longestChainSeconds(event, hooks)) + 5);
  const handler: Record<string, unknown> =
    input.mode === 'http'
      ? {
          type: 'http',
          url: `http://127.0.0.1:${input.port}/hooks/${event}`,
          headers: { Authorization: `Bearer $${TOKEN_ENV_VAR}` },
          allowedEnvVars: [TOKEN_ENV_VAR],
          timeout,
        }
      : { type: 'command', command: [input.bin, 'run', '--event', event, ...(input.runArgs ?? [])].join(' '), timeout };
  const matcher = unionMatcher(event, hooks);
  return matcher === undefined ? { handler } : { matcher, handler };
}

/**
 * A matcher that selects at least every tool (or source, ...) some hook selects, so Claude Code
 * starts the executor only when one of its hooks can run; the executor filters precisely.
 * `undefined` (match all) when the event has no matchers or a hook matches everything.
 */
export function unionMatcher(event: string, hooks: readonly Pick<ExecutorHook, 'matcher'>[]): string | undefined {
  if (matcherFieldFor(event) === null) return undefined;
  const matchers = hooks.map((hook) => hook.matcher?.trim());
  if (matchers.length === 0 || matchers.some((matcher) => matcher === undefined || matcher === '' || matcher === '*')) return undefined;
  const exact = /^[A-Za-z0-9_\-, |]+$/;
  if (matchers.every((matcher) => exact.test(matcher as string))) {
    const names = new Set(matchers.flatMap((matcher) => (matcher as string).split(/[|,]/).map((name) => name.trim()).filter(Boolean)));
    return [...names].join('|');
  }
  // Mixed: as one unanchored regex, an exact name also matches names that contain it, a superset.
  return [...new Set(matchers.map((matcher) => (exact.test(matcher as string) ? (matcher as string).split(/[|,]/).map((name) => escapeRegex(name.trim())).join('|') : `(?:${matcher})`)))].join('|');
}

function longestChainSeconds(event: string, hooks: readonly ExecutorHook[]): number {
  const byId = new Map(hooks.map((hook) => [hook.id, hook]));
  const memo = new Map<string, number>();
  const finish = (hook: ExecutorHook): number => {
    const known = memo.get(hook.id);
    if (known !== undefined) return known;
    memo.set(hook.id, 0); // cycles are rejected by validation; this only guards recursion
    const own = hook.timeout ?? defaultHookTimeoutSeconds(event);
    const before = Math.max(0, ...(hook.after ?? []).map((id) => (byId.has(id) ? finish(byId.get(id) as ExecutorHook) : 0)));
    memo.set(hook.id, before + own);
    return before + own;
  };
  return Math.max(0, ...hooks.map(finish));
}

function toExecutorHook(handler: Record<string, unknown>, matcher: string | undefined, id: string, origin: ExecutorHook['origin']): ExecutorHook {
  return {
    id,
    ...(matcher !== undefined && matcher !== '' && { matcher }),
    command: handler['command'] as string,
    ...(Array.isArray(handler['args']) && { args: handler['args'] as string[] }),
    ...(typeof handler['shell'] === 'string' && handler['args'] === undefined && { shell: handler['shell'] }),
    ...(typeof handler['timeout'] === 'number' && { timeout: handler['timeout'] }),
    origin,
  };
}

/** A readable id from the command: the script's name, skipping interpreters (`node lint.js` → `lint`). */
function idFor(handler: Record<string, unknown>): string {
  const words = [handler['command'], ...(Array.isArray(handler['args']) ? handler['args'] : [])]
    .filter((word): word is string => typeof word === 'string')
    .flatMap((word) => word.split(/\s+/))
    .filter((word) => word !== '' && !word.startsWith('-') && !word.includes('='));
  const word = words.find((candidate) => !INTERPRETERS.has(candidate.split('/').pop() ?? candidate)) ?? words[0] ?? 'hook';
  const base = (word.split('/').pop() ?? word).replace(/\.[A-Za-z0-9]+$/, '');
  const slug = base.replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60);
  return slug === '' ? 'hook' : slug;
}

function uniqueId(base: string, hooks: readonly ExecutorHook[]): string {
  const taken = new Set(hooks.map((hook) => hook.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function describeHandler(handler: Record<string, unknown>): string {
  const what = handler['command'] ?? handler['url'] ?? handler['prompt'] ?? handler['tool'] ?? '';
  const text = String(what);
  return `${String(handler['type'])} ${text.length > 50 ? `${text.slice(0, 50)}…` : text}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
