import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { loadHookHandlers, WhiteboxError } from '@whitebox/core';
import { backupFile, writeFileAtomic } from '../../atomic-write.js';
import type { ExecutorConfig } from '../../executor-config.js';
import { DEFAULT_SERVER_PORT, EXECUTOR_CONFIG_RELATIVE_PATH, EXECUTOR_SCHEMA_REF } from '../../executor-constants.js';
import { planInstall, planUninstall } from '../../install-plan.js';
import type { InstallMode } from '../../install-plan.js';
import { unifiedDiff } from '../../line-diff.js';
import { loadExecutorConfig, validateExecutorConfig } from '../../load-executor-config.js';
import { serverPaths, TOKEN_ENV_VAR } from '../../server-state.js';
import { WHITEBOX_HOOKS } from '../../whitebox-hooks.js';
import type { WhiteboxHookName } from '../../whitebox-hooks.js';

/** Which settings file to move hooks out of. */
export type SettingsScopeName = 'project' | 'local' | 'user';

/** Options shared by `install` and `uninstall`. */
export interface SettingsChangeOptions {
  readonly scope: SettingsScopeName;
  readonly dryRun: boolean;
  readonly config?: string | undefined;
  readonly projectDir?: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default process */
  readonly io?: { readonly stdout: { write(text: string): unknown }; readonly stderr: { write(text: string): unknown } };
}

/** Options of `hook-executor install`. */
export interface InstallOptions extends SettingsChangeOptions {
  readonly mode: InstallMode;
  readonly with: readonly WhiteboxHookName[];
  readonly bin?: string | undefined;
  readonly port?: number | undefined;
}

interface FileChange {
  readonly file: string;
  readonly label: string;
  readonly before: string;
  /** `undefined`: delete the file. */
  readonly after: string | undefined;
}

interface Context {
  readonly projectDir: string;
  readonly configPath: string;
  readonly settingsFile: string;
  readonly settingsLabel: string;
  readonly settingsText: string;
  readonly settings: Record<string, unknown>;
  readonly executorConfig: ExecutorConfig;
  readonly executorText: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * `hook-executor install`: moves the settings file's command hooks into hook-executor.json and
 * leaves one executor entry per event. Validates every settings file first; on any error nothing is
 * written. Backs up each file it changes and writes atomically. A second run changes nothing.
 */
export async function install(options: InstallOptions): Promise<void> {
  const context = await readContext(options);
  const port = options.port ?? context.executorConfig.server?.port ?? DEFAULT_SERVER_PORT;
  const runArgs = path.resolve(context.configPath) === path.join(context.projectDir, EXECUTOR_CONFIG_RELATIVE_PATH) ? [] : ['--config', context.configPath];
  const plan = planInstall({
    settings: context.settings,
    settingsLabel: context.settingsLabel,
    executorConfig: context.executorConfig,
    mode: options.mode,
    bin: options.bin ?? defaultBin(context.env),
    runArgs,
    port,
    with: options.with,
  });
  const executorConfig =
    options.mode === 'http' && options.port !== undefined ? { ...plan.executorConfig, server: { ...plan.executorConfig.server, port } } : plan.executorConfig;
  validateExecutorConfig(executorConfig, context.configPath);

  const changes = [
    change(context.settingsFile, context.settingsLabel, context.settingsText, context.settings, plan.settings),
    change(context.configPath, relativeLabel(context.projectDir, context.configPath), context.executorText, context.executorConfig, withSchema(executorConfig, context.executorText)),
  ].filter((item): item is FileChange => item !== undefined);

  const notes: string[] = [];
  if (plan.moved.length > 0) notes.push(`moved into ${relativeLabel(context.projectDir, context.configPath)}: ${plan.moved.join(', ')}`);
  if (plan.added.length > 0) notes.push(`wired: ${plan.added.join(', ')}`);
  for (const kept of plan.kept) notes.push(`left in ${context.settingsLabel}: ${kept}`);
  for (const name of options.with) {
    const { bin } = WHITEBOX_HOOKS[name];
    if (!onPath(bin, context.env)) notes.push(`warning: --with ${name}: \`${bin}\` is not on PATH; the hook will fail to start until it is installed`);
  }
  if (options.mode === 'http') {
    const { tokenFile } = serverPaths(context.projectDir);
    notes.push(
      `http mode: start the server with \`hook-executor serve --port ${port}\` and, before starting Claude Code, ` +
        `export ${TOKEN_ENV_VAR}="$(cat ${tokenFile})"`,
    );
  }
  await apply(changes, options, notes, { moved: plan.moved, added: plan.added, kept: plan.kept });
}

/**
 * `hook-executor uninstall`: removes the executor entries from the settings file and puts back the
 * hooks that came from it, in their groups and order; drops hooks `--with` wired. Backs up and
 * writes atomically; a second run changes nothing.
 */
export async function uninstall(options: SettingsChangeOptions): Promise<void> {
  const context = await readContext(options);
  const plan = planUninstall({ settings: context.settings, settingsLabel: context.settingsLabel, executorConfig: context.executorConfig });
  const noHooksLeft = Object.keys(plan.executorConfig.events).length === 0;
  const configLabel = relativeLabel(context.projectDir, context.configPath);
  const configChange =
    context.executorText === ''
      ? undefined // no config file: nothing to restore from or remove
      : noHooksLeft
        ? { file: context.configPath, label: configLabel, before: context.executorText, after: undefined }
        : change(context.configPath, configLabel, context.executorText, context.executorConfig, plan.executorConfig);
  const changes = [
    change(context.settingsFile, context.settingsLabel, context.settingsText, context.settings, plan.settings),
    configChange,
  ].filter((item): item is FileChange => item !== undefined);
  const notes: string[] = [];
  if (plan.restored.length > 0) notes.push(`restored to ${context.settingsLabel}: ${plan.restored.join(', ')}`);
  if (plan.removed.length > 0) notes.push(`removed: ${plan.removed.join(', ')}`);
  if (plan.orphaned.length > 0) {
    notes.push(`warning: these hooks stay in ${relativeLabel(context.projectDir, context.configPath)} and no longer run: ${plan.orphaned.join(', ')}`);
  }
  await apply(changes, options, notes, { restored: plan.restored, removed: plan.removed, orphaned: plan.orphaned });
}

async function readContext(options: SettingsChangeOptions): Promise<Context> {
  const env = options.env ?? process.env;
  const projectDir = path.resolve(options.projectDir ?? env['CLAUDE_PROJECT_DIR'] ?? process.cwd());
  const configDir = env['CLAUDE_CONFIG_DIR'] ?? path.join(os.homedir(), '.claude');
  const settingsFile =
    options.scope === 'user'
      ? path.resolve(configDir, 'settings.json')
      : path.join(projectDir, '.claude', options.scope === 'local' ? 'settings.local.json' : 'settings.json');
  const settingsLabel = options.scope === 'user' ? '~/.claude/settings.json' : relativeLabel(projectDir, settingsFile);

  // Validates every settings file Claude Code reads, with errors naming the file and JSON path.
  await loadHookHandlers({ cwd: projectDir, managedSettingsPath: null, env });
  const settingsText = await readText(settingsFile);
  let settings: Record<string, unknown> = {};
  if (settingsText.trim() !== '') {
    const value = JSON.parse(settingsText.replace(/^\uFEFF/, '')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new WhiteboxError('CONFIG_INVALID', `${settingsFile}: expected a JSON object at the top level`);
    }
    settings = value as Record<string, unknown>;
  }
  const configPath = path.resolve(options.config ?? path.join(projectDir, EXECUTOR_CONFIG_RELATIVE_PATH));
  const loaded = await loadExecutorConfig(configPath, { missingOk: true });
  const executorText = loaded.exists ? await readText(configPath) : '';
  return { projectDir, configPath, settingsFile, settingsLabel, settingsText, settings, executorConfig: loaded.config, executorText, env };
}

async function apply(changes: readonly FileChange[], options: SettingsChangeOptions, notes: readonly string[], summary: Record<string, readonly string[]>): Promise<void> {
  const io = options.io ?? process;
  const say = (line: string): void => {
    if (!options.quiet) io.stderr.write(`${line}\n`);
  };
  if (options.dryRun) {
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ dryRun: true, changes: changes.map((c) => ({ file: c.file, diff: diffOf(c) })), ...summary })}\n`);
    } else {
      for (const item of changes) io.stdout.write(diffOf(item));
    }
    for (const note of notes) say(note);
    say(changes.length === 0 ? 'nothing to change' : `dry run: ${changes.length} file(s) would change; nothing was written`);
    return;
  }
  const backups: string[] = [];
  for (const item of changes) {
    const backup = await backupFile(item.file);
    if (backup !== undefined) backups.push(backup);
    if (item.after === undefined) await rm(item.file, { force: true });
    else await writeFileAtomic(item.file, item.after);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ dryRun: false, changed: changes.map((c) => c.file), backups, ...summary })}\n`);
  }
  for (const note of notes) say(note);
  if (changes.length === 0) say('nothing to change');
  else say(`updated ${changes.map((c) => c.label).join(' and ')}${backups.length > 0 ? `; backups: ${backups.join(', ')}` : ''}`);
}

/** A change only when the content differs: a file is never rewritten just to reformat it. */
function change(file: string, label: string, before: string, beforeValue: unknown, afterValue: unknown): FileChange | undefined {
  if (isDeepStrictEqual(beforeValue, afterValue)) return undefined;
  const after = formatJson(afterValue, before);
  return before === after ? undefined : { file, label, before, after };
}

function diffOf(item: FileChange): string {
  return unifiedDiff(item.before, item.after ?? '', { from: item.before === '' ? '/dev/null' : `a/${item.label}`, to: item.after === undefined ? '/dev/null' : `b/${item.label}` });
}

function withSchema(config: ExecutorConfig, existingText: string): ExecutorConfig {
  if (config.$schema !== undefined || existingText !== '' || Object.keys(config.events).length === 0) return config;
  return { $schema: EXECUTOR_SCHEMA_REF, ...config };
}

/** JSON with the indentation the file already uses (two spaces for a new file), ending in a newline. */
function formatJson(value: unknown, existing: string): string {
  const indent = /^([ \t]+)"/m.exec(existing)?.[1] ?? '  ';
  return `${JSON.stringify(value, null, indent)}\n`;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new WhiteboxError('IO', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function relativeLabel(projectDir: string, file: string): string {
  const relative = path.relative(projectDir, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function onPath(bin: string, env: Readonly<Record<string, string | undefined>>): boolean {
  return (env['PATH'] ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, bin)));
}

/**
 * The command settings.json should run: `hook-executor` when it is on PATH, else this very bundle
 * by absolute path through node (a workspace checkout, `npx` caches).
 */
function defaultBin(env: Readonly<Record<string, string | undefined>>): string {
  if (onPath('hook-executor', env)) return 'hook-executor';
  // Bundled, this module is bin/chunks/<name>.js and the entry is bin/hook-executor.js.
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../hook-executor.js');
  if (!existsSync(bin)) return 'hook-executor';
  return `node ${bin.includes(' ') ? JSON.stringify(bin) : bin}`;
}
