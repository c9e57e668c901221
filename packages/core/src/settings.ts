import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { WhiteboxError } from './errors.js';
import { isToolEvent } from './hook-input.js';
import { matchesHookInput } from './matcher.js';
import { formatZodIssues, formatPath, describeValue } from './format-zod-issues.js';

/**
 * Where a settings file sits: `user` (`~/.claude/settings.json`), `project` (`.claude/settings.json`),
 * `local` (`.claude/settings.local.json`) or `managed` (the administrator's `managed-settings.json`).
 */
export type SettingsScope = 'user' | 'project' | 'local' | 'managed';

/** One settings file Claude Code reads, and whether it exists. */
export interface SettingsFile {
  /** Absolute path. */
  readonly path: string;
  readonly scope: SettingsScope;
  /** The file is there; a missing file is simply skipped. */
  readonly exists: boolean;
}

/** Where to look; every path is injectable so tests never touch the real home directory. */
export interface SettingsLocationOptions {
  /**
   * Claude Code's project directory: the directory it was started in. Claude Code reads
   * `.claude/settings.json` there and does not walk up to the repository root (anthropics/claude-code#76441).
   * @default process.env.CLAUDE_PROJECT_DIR, else process.cwd()
   */
  readonly cwd?: string;
  /**
   * The home directory; user settings are `<home>/.claude/settings.json`.
   * @default os.homedir(), or the CLAUDE_CONFIG_DIR environment variable's directory when set and `home` is not given
   */
  readonly home?: string;
  /**
   * The managed policy file. `null` skips it.
   * @default /etc/claude-code/managed-settings.json on Linux, /Library/Application Support/ClaudeCode/managed-settings.json
   * on macOS, C:\Program Files\ClaudeCode\managed-settings.json on Windows
   */
  readonly managedSettingsPath?: string | null;
  /** The environment to read CLAUDE_PROJECT_DIR and CLAUDE_CONFIG_DIR from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A hook handler as written in settings; unknown fields and handler types are kept. */
export interface HookHandler {
  /** `command`, `http`, `mcp_tool`, `prompt` or `agent`; other values pass through. */
  readonly type: 'command' | 'http' | 'mcp_tool' | 'prompt' | 'agent' | (string & {});
  /** command: the shell command, or the executable when `args` is set. */
  readonly command?: string;
  /** command: exec-form argument vector (no shell). */
  readonly args?: readonly string[];
  /** http: the URL to POST to. */
  readonly url?: string;
  /** http: extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** mcp_tool: the server name. */
  readonly server?: string;
  /** mcp_tool: the tool name. */
  readonly tool?: string;
  /** prompt/agent: the prompt text. */
  readonly prompt?: string;
  /** Seconds before Claude Code cancels the hook. */
  readonly timeout?: number;
  /** A permission-rule filter, honoured on tool events only. */
  readonly if?: string;
  /** command: run in the background without blocking. */
  readonly async?: boolean;
  readonly [key: string]: unknown;
}

/** One handler from one settings file, with where it came from. */
export interface HookHandlerEntry {
  /** The event key it sits under, e.g. `PreToolUse`. Unknown event names are kept. */
  readonly event: string;
  /** The group's matcher as written; `undefined` when omitted. */
  readonly matcher?: string;
  /** The handler object exactly as written. */
  readonly handler: HookHandler;
  /** The file it came from. */
  readonly source: { readonly path: string; readonly scope: SettingsScope };
  /** Its JSON path in the file, e.g. `hooks.PreToolUse[0].hooks[1]`. */
  readonly location: string;
}

/** What {@link loadHookHandlers} found. */
export interface LoadedHookHandlers {
  /** Every active handler, in configuration order: user, project, local, managed; file order within each. */
  readonly handlers: readonly HookHandlerEntry[];
  /** Every file looked at, in the same order. */
  readonly files: readonly SettingsFile[];
  /**
   * Set when a setting turned hooks off: `disableAllHooks` (in managed settings it disables every
   * hook; elsewhere it cannot disable managed hooks) or the managed-only `allowManagedHooksOnly`.
   */
  readonly disabledBy?: {
    readonly setting: 'disableAllHooks' | 'allowManagedHooksOnly';
    readonly path: string;
    readonly scope: SettingsScope;
  };
}

const DEFAULT_MANAGED_PATHS: Readonly<Partial<Record<NodeJS.Platform, string>>> = {
  linux: '/etc/claude-code/managed-settings.json',
  darwin: '/Library/Application Support/ClaudeCode/managed-settings.json',
  win32: 'C:\\Program Files\\ClaudeCode\\managed-settings.json',
};

/**
 * Lists the settings files Claude Code reads hooks from, in configuration order: user, project,
 * local, managed (Claude Code's own source order, lowest to highest precedence). Hooks are merged
 * across all of them, not overridden. A project file that is the user file (started in the home
 * directory) is listed once. Plugin, skill and SDK hooks live elsewhere and are not included.
 */
export async function findSettingsFiles(options: SettingsLocationOptions = {}): Promise<SettingsFile[]> {
  checkOptions(options);
  const env = options.env ?? process.env;
  const projectDir = path.resolve(options.cwd ?? env['CLAUDE_PROJECT_DIR'] ?? process.cwd());
  const configDir =
    options.home !== undefined
      ? path.join(options.home, '.claude')
      : (env['CLAUDE_CONFIG_DIR'] ?? path.join(os.homedir(), '.claude'));
  const managed =
    options.managedSettingsPath === undefined ? DEFAULT_MANAGED_PATHS[process.platform] : options.managedSettingsPath;

  const candidates: { path: string; scope: SettingsScope }[] = [
    { path: path.resolve(configDir, 'settings.json'), scope: 'user' },
    { path: path.join(projectDir, '.claude', 'settings.json'), scope: 'project' },
    { path: path.join(projectDir, '.claude', 'settings.local.json'), scope: 'local' },
  ];
  if (managed) candidates.push({ path: path.resolve(managed), scope: 'managed' });

  const seen = new Set<string>();
  const files: SettingsFile[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.path)) continue;
    seen.add(candidate.path);
    files.push({ ...candidate, exists: await isFile(candidate.path) });
  }
  return files;
}

/**
 * Reads every settings file and returns the hook handlers Claude Code would register, each with its
 * source file and scope, in configuration order. Honours `disableAllHooks` and `allowManagedHooksOnly`.
 * Only reads; missing files are skipped. Duplicates are kept here: Claude Code drops them after
 * matching, see {@link dedupeHookHandlers}.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and JSON path (e.g.
 * `hooks.PreToolUse[0].hooks[1].command`) when a file is not JSON or its `hooks` block has the wrong
 * shape; `IO` when a file exists but cannot be read.
 * @example
 * const { handlers } = await loadHookHandlers();
 * const forThisCall = selectHookHandlers(handlers, input);
 */
export async function loadHookHandlers(options: SettingsLocationOptions = {}): Promise<LoadedHookHandlers> {
  const files = await findSettingsFiles(options);
  const loaded: { file: SettingsFile; settings: Record<string, unknown>; handlers: HookHandlerEntry[] }[] = [];
  for (const file of files) {
    if (!file.exists) continue;
    const settings = await readSettings(file);
    loaded.push({ file, settings, handlers: readHooks(settings['hooks'], file) });
  }

  const managed = loaded.find((l) => l.file.scope === 'managed');
  const disabledBy = (setting: 'disableAllHooks' | 'allowManagedHooksOnly', file: SettingsFile) =>
    ({ setting, path: file.path, scope: file.scope }) as const;
  if (managed && booleanSetting(managed, 'disableAllHooks') === true) {
    return { handlers: [], files, disabledBy: disabledBy('disableAllHooks', managed.file) };
  }
  const managedOnly = (reason: NonNullable<LoadedHookHandlers['disabledBy']>): LoadedHookHandlers => ({
    handlers: managed?.handlers ?? [],
    files,
    disabledBy: reason,
  });
  if (managed && booleanSetting(managed, 'allowManagedHooksOnly') === true) {
    return managedOnly(disabledBy('allowManagedHooksOnly', managed.file));
  }
  // Ordinary keys follow precedence: local > project > user. The first file that sets it decides.
  const byPrecedence = loaded.filter((l) => l.file.scope !== 'managed').reverse();
  const decider = byPrecedence.find((l) => booleanSetting(l, 'disableAllHooks') !== undefined);
  if (decider && booleanSetting(decider, 'disableAllHooks') === true) {
    return managedOnly(disabledBy('disableAllHooks', decider.file));
  }
  return { handlers: loaded.flatMap((l) => l.handlers), files };
}

/**
 * Drops handlers Claude Code would run only once: the same command (with the same `args`), the same
 * http URL, the same MCP tool call or the same prompt, wherever it was defined. Apply it to the
 * handlers that matched one event. The first position is kept with the last definition (Claude
 * Code's `Map`-based dedup as reported by a source reading; not officially documented).
 */
export function dedupeHookHandlers(entries: readonly HookHandlerEntry[]): HookHandlerEntry[] {
  const byKey = new Map<string, HookHandlerEntry>();
  entries.forEach((entry, index) => byKey.set(dedupeKey(entry.handler) ?? `#${index}`, entry));
  return [...byKey.values()];
}

function dedupeKey(handler: HookHandler): string | undefined {
  switch (handler.type) {
    case 'command':
      return JSON.stringify(['command', handler.command, handler.args ?? null]);
    case 'http':
      return JSON.stringify(['http', handler.url]);
    case 'mcp_tool':
      return JSON.stringify(['mcp_tool', handler.server, handler.tool, handler['input'] ?? null]);
    case 'prompt':
    case 'agent':
      return JSON.stringify([handler.type, handler.prompt, handler['model'] ?? null]);
    default:
      return undefined;
  }
}

/**
 * The handlers that run for one hook input, in configuration order: those registered under its
 * event whose matcher matches (see {@link matchesHookInput}), minus handlers with an `if` rule on a
 * non-tool event (Claude Code never runs those), deduplicated. `if` rules on tool events are left
 * for the caller to evaluate.
 */
export function selectHookHandlers(
  handlers: readonly HookHandlerEntry[],
  input: { readonly hook_event_name: string },
): HookHandlerEntry[] {
  const event = input.hook_event_name;
  const matched = handlers.filter(
    (entry) =>
      entry.event === event &&
      (entry.handler.if === undefined || isToolEvent(event)) &&
      matchesHookInput(entry.matcher, input),
  );
  return dedupeHookHandlers(matched);
}

async function isFile(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw new WhiteboxError('IO', `Cannot read Claude Code settings file ${file}: ${messageOf(error)}`, { cause: error });
  }
}

async function readSettings(file: SettingsFile): Promise<Record<string, unknown>> {
  let source: string;
  try {
    source = await readFile(file.path, 'utf8');
  } catch (error) {
    throw new WhiteboxError('IO', `Cannot read Claude Code settings file ${file.path}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  source = source.replace(/^\uFEFF/, '');
  if (source.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new WhiteboxError('CONFIG_INVALID', `${file.path}: not valid JSON (${messageOf(error)})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WhiteboxError(
      'CONFIG_INVALID',
      `${file.path}: expected a JSON object at the top level, received ${describeValue(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

function booleanSetting(loaded: { file: SettingsFile; settings: Record<string, unknown> }, key: string): boolean | undefined {
  const value = loaded.settings[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw new WhiteboxError('CONFIG_INVALID', `${loaded.file.path}: ${key}: expected boolean, received ${describeValue(value)}`);
}

const optionalText = z.string().optional();
const commonHandlerFields = {
  type: z.string(),
  timeout: z.number().positive().optional(),
  if: optionalText,
  statusMessage: optionalText,
  once: z.boolean().optional(),
};
const promptHandler = z.looseObject({ ...commonHandlerFields, prompt: z.string(), model: optionalText });
const HANDLER_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  command: z.looseObject({
    ...commonHandlerFields,
    command: z.string(),
    args: z.array(z.string()).optional(),
    async: z.boolean().optional(),
    asyncRewake: z.boolean().optional(),
    shell: optionalText,
  }),
  http: z.looseObject({
    ...commonHandlerFields,
    url: z.string(),
    headers: z.record(z.string(), z.string()).optional(),
    allowedEnvVars: z.array(z.string()).optional(),
  }),
  mcp_tool: z.looseObject({
    ...commonHandlerFields,
    server: z.string(),
    tool: z.string(),
    input: z.record(z.string(), z.unknown()).optional(),
  }),
  prompt: promptHandler,
  agent: promptHandler,
};
const unknownHandler = z.looseObject(commonHandlerFields);
const matcherGroup = z.looseObject({ matcher: optionalText, hooks: z.array(z.unknown()) });

function readHooks(hooks: unknown, file: SettingsFile): HookHandlerEntry[] {
  if (hooks === undefined) return [];
  const fail = (where: readonly PropertyKey[], detail: string): never => {
    throw new WhiteboxError('CONFIG_INVALID', `${file.path}: ${formatPath(where)}: ${detail}`);
  };
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) {
    fail(['hooks'], `expected an object of event names, received ${describeValue(hooks)}`);
  }
  const entries: HookHandlerEntry[] = [];
  for (const [event, groups] of Object.entries(hooks as Record<string, unknown>)) {
    if (!Array.isArray(groups)) fail(['hooks', event], `expected an array of matcher groups, received ${describeValue(groups)}`);
    (groups as unknown[]).forEach((group, groupIndex) => {
      const groupPath = ['hooks', event, groupIndex];
      const parsedGroup = matcherGroup.safeParse(group);
      if (!parsedGroup.success) {
        if (typeof group !== 'object' || group === null || Array.isArray(group)) {
          fail(groupPath, `expected a matcher group object, received ${describeValue(group)}`);
        }
        throw new WhiteboxError('CONFIG_INVALID', `${file.path}: ${formatZodIssues(parsedGroup.error.issues, group, groupPath)}`);
      }
      const { matcher, hooks: handlers } = parsedGroup.data;
      handlers.forEach((handler, handlerIndex) => {
        const handlerPath = [...groupPath, 'hooks', handlerIndex];
        if (typeof handler !== 'object' || handler === null || Array.isArray(handler)) {
          fail(handlerPath, `expected a hook handler object, received ${describeValue(handler)}`);
        }
        const type = (handler as Record<string, unknown>)['type'];
        const schema = (typeof type === 'string' && HANDLER_SCHEMAS[type]) || unknownHandler;
        const parsed = schema.safeParse(handler);
        if (!parsed.success) {
          throw new WhiteboxError('CONFIG_INVALID', `${file.path}: ${formatZodIssues(parsed.error.issues, handler, handlerPath)}`);
        }
        entries.push({
          event,
          ...(matcher !== undefined && { matcher }),
          handler: handler as HookHandler,
          source: { path: file.path, scope: file.scope },
          location: formatPath(handlerPath),
        });
      });
    });
  }
  return entries;
}

function checkOptions(options: SettingsLocationOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected options to be an object, got ${describeValue(options)}`);
  }
  for (const key of ['cwd', 'home'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(`Expected options.${key} to be a non-empty string, got ${describeValue(value)}`);
    }
  }
  const managed = options.managedSettingsPath;
  if (managed !== undefined && managed !== null && (typeof managed !== 'string' || managed === '')) {
    throw new TypeError(`Expected options.managedSettingsPath to be a non-empty string or null, got ${describeValue(managed)}`);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
