/**
 * Machine-readable kinds of {@link WhiteboxError}. Tools may add their own codes.
 */
export type WhiteboxErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'IO'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'TASK_FAILED'
  | 'PROVIDER'
  | (string & {});

/**
 * Base class for every error Whitebox throws on purpose. The message is written for the user and
 * names the file, field or value at fault; `code` is for programs.
 *
 * @example
 * throw new WhiteboxError('CONFIG_INVALID', `.claude/hook-executor.json: hooks[2].timeout must be a number`);
 */
export class WhiteboxError extends Error {
  override name = 'WhiteboxError';

  /** What kind of failure this is; stable across releases. */
  readonly code: WhiteboxErrorCode;

  /**
   * @param code - What kind of failure this is.
   * @param message - The whole story for the user: what was wrong and where.
   * @param options - `cause`, the underlying error, kept for `--verbose`.
   */
  constructor(code: WhiteboxErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Bad command-line input. The CLI prints the message without a stack and exits with 2. */
export class UsageError extends WhiteboxError {
  override name = 'UsageError';

  /** @param message - What was expected and what was received. */
  constructor(message: string, options?: ErrorOptions) {
    super('USAGE', message, options);
  }
}

/** Work stopped because its AbortSignal fired, typically on Ctrl-C. The CLI exits with 130. */
export class AbortedError extends WhiteboxError {
  override name = 'AbortedError';

  /** @param message - What was interrupted. */
  constructor(message = 'Interrupted', options?: ErrorOptions) {
    super('ABORTED', message, options);
  }
}

/**
 * Tells whether `error` means "cancelled": an {@link AbortedError}, a DOM `AbortError`
 * (what `fetch` and `AbortSignal.abort()` produce) or the openai SDK's `APIUserAbortError`.
 */
export function isAbortError(error: unknown): boolean {
  if (error instanceof AbortedError) return true;
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'APIUserAbortError';
}
