import type { CliIo } from '@whitebox/core';

/** The process edges a command touches; tests replace them to run commands in-process. */
export interface CliContext {
  /** Where data and diagnostics go. @default process */
  readonly io: CliIo;
  /** Where hook input is read from. @default file descriptor 0, read directly */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** @default process.cwd() */
  readonly cwd: string;
  /** @default process.env */
  readonly env: NodeJS.ProcessEnv;
}

/** The real process. */
export function processContext(): CliContext {
  // No stdin here: touching process.stdin builds a stream, which costs a hook milliseconds.
  return { io: process, cwd: process.cwd(), env: process.env };
}

/** The bin name, used in help and messages. */
export const BIN_NAME = 'detect-sequential-agents';

/** The commands Claude Code runs as hooks: they must never exit 2 by accident (2 blocks). */
export const HOOK_COMMANDS: readonly string[] = ['hook', 'batch', 'remind'];

/**
 * The exit code a hook command may end with. A usage error (a mistyped flag in settings.json)
 * would exit 2, which Claude Code reads as "block this tool call"; it becomes 1, a non-blocking
 * error that the user sees in the transcript while the agent carries on.
 */
export function nonBlockingExitCode(args: readonly string[], code: number): number {
  const command = args.find((arg) => !arg.startsWith('-'));
  return command !== undefined && HOOK_COMMANDS.includes(command) && code === 2 ? 1 : code;
}
