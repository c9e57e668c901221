import { isatty } from 'node:tty';
import { CommandExit, readStdin as readStdinStream, readStdinSync, WhiteboxError } from '@whitebox/core';
import type { CliContext } from '../cli-context.js';
import { loadDetectorConfig, type DetectorConfig } from '../detector-config.js';
import { readDetectorHookInput, type DetectorHookInput } from '../detector-hook-input.js';

/** Flags every hook command shares. */
export interface HookCommandArgs {
  readonly verbose: boolean;
  readonly config: string | undefined;
}

/** What a hook command's body returns: stdout JSON (if any) and diagnostics for --verbose. */
export interface HookCommandResult {
  readonly output?: object | undefined;
  readonly notes?: readonly string[];
}

/** What a hook command's body gets. */
export interface HookCommandInput {
  readonly input: DetectorHookInput;
  readonly config: DetectorConfig;
  /** Appends a diagnostic shown under --verbose. */
  readonly note: (message: string) => void;
}

/**
 * Runs a hook command body with the safety every hook needs: whatever goes wrong inside, the hook
 * exits 0 with no output, which Claude Code treats as "no opinion", so the agent carries on;
 * the reason goes to stderr under `--verbose`. A broken config file is the user's to fix, so it
 * exits 1: a non-blocking error that Claude Code shows without stopping anything.
 */
export async function runHookCommand(
  context: CliContext,
  args: HookCommandArgs,
  body: (input: HookCommandInput) => Promise<HookCommandResult>,
): Promise<void> {
  const notes: string[] = [];
  const note = (message: string): void => void notes.push(message);
  const flush = (): void => {
    if (args.verbose) for (const message of notes) context.io.stderr.write(`detect-sequential-agents: ${message}\n`);
  };
  let input: DetectorHookInput;
  try {
    input = readDetectorHookInput(await readStdin(context.stdin));
  } catch (error) {
    note(`${(error as Error).message}; allowing`);
    flush();
    return;
  }
  let config: DetectorConfig;
  try {
    const projectDir = context.env['CLAUDE_PROJECT_DIR'] || input.cwd || context.cwd;
    const loaded = loadDetectorConfig({ file: args.config, projectDir });
    config = loaded.config;
    if (loaded.path !== undefined) note(`config ${loaded.path}`);
  } catch (error) {
    flush();
    context.io.stderr.write(`detect-sequential-agents: ${(error as Error).message}\n`);
    throw new CommandExit(error instanceof WhiteboxError && error.code === 'CONFIG_INVALID' ? 1 : 0);
  }
  try {
    const result = await body({ input, config, note });
    for (const message of result.notes ?? []) note(message);
    if (result.output !== undefined) context.io.stdout.write(`${JSON.stringify(result.output)}\n`);
  } catch (error) {
    note(`internal error, allowing: ${args.verbose && error instanceof Error ? (error.stack ?? error.message) : (error as Error).message}`);
  }
  flush();
}

/**
 * Reads all of stdin as text; a terminal (nobody piping) reads as empty. Without a stream, file
 * descriptor 0 is read synchronously, which is much cheaper than building `process.stdin`; a
 * non-blocking descriptor (EAGAIN) falls back to the stream.
 */
export async function readStdin(stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean }): Promise<string> {
  if (stdin === undefined) {
    if (isatty(0)) return '';
    return readStdinSync() ?? readStdinStream(process.stdin);
  }
  return stdin.isTTY === true ? '' : readStdinStream(stdin);
}
