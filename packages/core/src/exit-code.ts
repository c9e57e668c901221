import { isAbortError, UsageError } from './errors.js';

/** The exit codes every Whitebox CLI uses. Hook commands may also exit 2 to block, as Claude Code defines. */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The command ran and failed. */
  Failure: 1,
  /** Bad arguments or input; nothing was done. */
  Usage: 2,
  /** Stopped by SIGINT (128 + 2, what shells expect). */
  Interrupted: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Maps a thrown value to the exit code the CLI should end with.
 *
 * @returns 2 for a {@link UsageError}, 130 for an abort, 1 for anything else.
 */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof UsageError) return ExitCode.Usage;
  if (isAbortError(error)) return ExitCode.Interrupted;
  return ExitCode.Failure;
}
