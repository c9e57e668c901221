import type { Argv } from 'yargs';
import { createColors } from './colors.js';
import { UsageError, WhiteboxError } from './errors.js';
import { ExitCode, exitCodeFor } from './exit-code.js';

/** Where a CLI writes; injectable so tests can capture output without spawning. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown; readonly isTTY?: boolean };
}

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** The raw arguments, used only to spot `--verbose` when parsing itself failed. @default process.argv.slice(2) */
  readonly argv?: readonly string[];
  /** @default process */
  readonly io?: CliIo;
}

/**
 * Thrown by a command that has already written its output and wants a specific exit code, such as
 * a hook command that blocks with 2. The funnel exits with `exitCode` and prints nothing more.
 */
export class CommandExit extends Error {
  override name = 'CommandExit';

  /** @param exitCode - The process exit code to end with. */
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/**
 * The one funnel from a yargs program to an exit code: 0 ok, 1 failure, 2 usage, 130 interrupted.
 * Libraries throw; only this edge decides what the user sees. Stacks appear only under `--verbose`.
 *
 * @returns The exit code; the caller assigns it to `process.exitCode`.
 * @example
 * // src/cli.ts
 * process.exitCode = await runCli(createCli(hideBin(process.argv)));
 */
export async function runCli(cli: Argv, options: RunCliOptions = {}): Promise<number> {
  const argv = options.argv ?? process.argv.slice(2);
  const io = options.io ?? process;
  try {
    await cli
      .fail((message: string | null | undefined, error: Error | undefined) => {
        // yargs passes a message for every parse and validation failure, with a YError (a flag
        // missing its value, a throwing coerce) or a .check() error attached; a command handler's
        // own error arrives without one and keeps its identity.
        if (!message) throw error ?? new UsageError('Invalid arguments');
        throw new UsageError(message, { cause: error });
      })
      .parseAsync();
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommandExit) return error.exitCode;
    return reportError(error, { verbose: argv.includes('--verbose'), stderr: io.stderr });
  }
}

/**
 * Prints `error` for a person and returns its exit code. A {@link WhiteboxError}'s message is the
 * whole story; anything else is a bug, so it says how to see the stack.
 */
export function reportError(
  error: unknown,
  options: { readonly verbose?: boolean; readonly stderr?: CliIo['stderr'] } = {},
): number {
  const stderr = options.stderr ?? process.stderr;
  const c = createColors(stderr);
  const code = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === ExitCode.Usage) {
    stderr.write(`${c.red('error')}: ${message}\nRun with --help for usage.\n`);
  } else if (code === ExitCode.Interrupted) {
    stderr.write(`${c.yellow('interrupted')}: ${message}\n`);
  } else if (options.verbose && error instanceof Error) {
    stderr.write(`${c.red('error')}: ${error.stack ?? message}\n${formatCause(error)}`);
  } else if (error instanceof WhiteboxError) {
    stderr.write(`${c.red('error')}: ${message}\n`);
  } else {
    stderr.write(`${c.red('error')}: ${message}\nPass --verbose to see the stack trace.\n`);
  }
  return code;
}

function formatCause(error: Error): string {
  const cause = error.cause;
  if (cause === undefined) return '';
  return `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`;
}
