import { setMaxListeners } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCachedConfig } from '../../config-cache.js';
import { EXECUTOR_CONFIG_RELATIVE_PATH } from '../../executor-constants.js';
import { forwardToServer } from '../../forward-to-server.js';
import { startHookLauncher } from '../../hook-launcher.js';
import { prestartHooks, wantsHookLauncher } from '../../prestart-hooks.js';
import { serverPaths } from '../../server-state.js';
import type { CommandHookOutcome } from '../../run-command-hook.js';
import { readStdin, readStdinSync, StdinError } from '@whitebox/core';
import { monotonicNow } from '../../monotonic-now.js';

/** Where `run` writes; injectable for tests. */
export interface RunIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
}

/** Options for {@link runHookEvent}. */
export interface RunHookEventOptions {
  /** The event this settings entry is registered under; stdin's `hook_event_name` must match. */
  readonly event: string;
  /** The config file. @default <projectDir>/.claude/hook-executor.json */
  readonly config?: string | undefined;
  /** @default $CLAUDE_PROJECT_DIR, else the current directory */
  readonly projectDir?: string | undefined;
  /** Forward to a running `hook-executor serve` when there is one. @default true */
  readonly forward?: boolean | undefined;
  /** @default process */
  readonly io?: RunIo;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `hook-executor run --event <Event>`: what settings.json calls as one command hook. Reads the
 * input from stdin, forwards it to the resident server if one is up, and otherwise runs the
 * event's hooks here. Prints exactly what one Claude Code hook would print and returns its exit code.
 *
 * This module is the hot path, so it imports only what forwarding and starting hooks need. When
 * the config is unchanged since it last passed validation (see `readCachedConfig`) and stdin is
 * this event's JSON, the first hooks start at once, while the validation and merge code (zod,
 * most of the start-up) loads; an input that then fails validation stops them again.
 */
export async function runHookEvent(options: RunHookEventOptions): Promise<number> {
  const io = options.io ?? process;
  const env = options.env ?? process.env;
  const projectDir = path.resolve(options.projectDir ?? env['CLAUDE_PROJECT_DIR'] ?? process.cwd());
  const configPath = path.resolve(options.config ?? path.join(projectDir, EXECUTOR_CONFIG_RELATIVE_PATH));
  const startedAt = monotonicNow();

  const configText = readConfigText(configPath);
  let cached = configText === undefined ? undefined : readCachedConfig(projectDir, configPath, configText);
  const cachedBlock = cached?.config.events[options.event];
  // Started before stdin is read, so that Perl's start-up overlaps ours; not when a resident server
  // may take the event. `prestartHooks` takes it over; every other way out lets it go.
  const launcher =
    cachedBlock !== undefined && wantsHookLauncher(cachedBlock) && (options.forward === false || !existsSync(serverPaths(projectDir).stateFile))
      ? startHookLauncher({ env })
      : undefined;
  try {
    const { text: stdinText, problem: stdinProblem } = await readInput(options.io === undefined ? undefined : io.stdin);

    if (options.forward !== false && stdinProblem === undefined && stdinText.trim() !== '') {
      const reply = await forwardToServer({ projectDir, event: options.event, body: stdinText, configPath });
      if (reply !== undefined) {
        if (reply.stdout !== '') io.stdout.write(reply.stdout);
        if (reply.stderr !== '') io.stderr.write(reply.stderr);
        return reply.exitCode;
      }
    }

    // Each schema validates once in this process, so compiling zod's fast validators (it reads this
    // global config when schemas are built, at load) costs more than it saves.
    (globalThis as { __zod_globalConfig?: Record<string, unknown> }).__zod_globalConfig ??= { jitless: true };
    const input = stdinProblem === undefined ? quickParse(stdinText, options.event) : undefined;
    if (configText !== undefined) {
      // Nothing configured for this event: nothing to run, validate or print.
      if (cached !== undefined && input !== undefined && (cachedBlock === undefined || cachedBlock.hooks.length === 0)) return 0;
      if (cached === undefined) {
        // A new or changed config: validate it first (zod, in its own bundle), then carry on as cached.
        const { validateConfigFile } = await import('./validate-config-file.js');
        const validated = await validateConfigFile(projectDir, configPath, configText);
        if (!validated.ok) {
          io.stderr.write(`hook-executor: ${validated.message}\n`);
          return 1;
        }
        cached = validated.cached;
      }
    }
    // Hooks run in their own process groups, out of reach of a signal sent to ours: pass it on.
    const stop = new AbortController();
    // Every running hook listens on it; 21 hooks would trip Node's leak warning at 10.
    setMaxListeners(1000, stop.signal);
    let caught: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      caught ??= signal;
      stop.abort('cancelled');
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
    try {
      const block = cached?.config.events[options.event];
      let prestarted: Map<string, Promise<CommandHookOutcome>> | undefined;
      if (block !== undefined && input !== undefined) {
        const prestart = prestartHooks({
          launcher,
          block,
          event: options.event,
          configDir: path.dirname(configPath),
          input,
          inputText: stdinText,
          projectDir,
          env,
          maxOutputBytes: cached?.config.maxOutputBytes,
          signal: stop.signal,
        });
        prestarted = prestart.started;
        await prestart.running;
      }
      const { runLocally } = await import('./run-locally.js');
      return await runLocally({
        event: options.event,
        configPath,
        config: cached,
        projectDir,
        stdinText,
        stdinProblem,
        io,
        env,
        stop,
        startedAt,
        signalled: () => caught,
        ...(prestarted !== undefined && { prestarted }),
      });
    } finally {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    }
  } finally {
    launcher?.cancel();
  }
}

/** stdin's text, or why it could not be read (a terminal, too large). `undefined`: this process's stdin. */
async function readInput(stdin: RunIo['stdin'] | undefined): Promise<{ readonly text: string; readonly problem?: string }> {
  try {
    return { text: (stdin === undefined ? readStdinSync() : undefined) ?? (await readStdin(stdin ?? process.stdin)) };
  } catch (error) {
    if (!(error instanceof StdinError)) throw error;
    return { text: '', problem: error.message };
  }
}

/** The config file's text; `undefined` when it does not exist. Other errors surface when it is loaded. */
function readConfigText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : '';
  }
}

const COMMON_FIELDS = ['session_id', 'transcript_path', 'cwd'] as const;

/**
 * stdin as this event's input object when it is one at first sight: JSON, the right
 * `hook_event_name`, the common fields. The event's own fields are validated next, while the first
 * hooks run; `undefined` sends everything through validation first.
 */
function quickParse(text: string, event: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    if (record['hook_event_name'] !== event || COMMON_FIELDS.some((field) => typeof record[field] !== 'string')) return undefined;
    return record;
  } catch {
    return undefined;
  }
}
