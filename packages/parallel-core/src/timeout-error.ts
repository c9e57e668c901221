import { WhiteboxError } from '@whitebox/core';

/**
 * A call ran past its `timeout`. It is also the `reason` of the call's AbortSignal, so a function
 * that rethrows `signal.reason` reports the same error.
 */
export class TimeoutError extends WhiteboxError {
  override name = 'TimeoutError';

  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param message - What timed out, for the user.
   * @param timeoutMs - The limit that was exceeded, in milliseconds.
   */
  constructor(message: string, timeoutMs: number, options?: ErrorOptions) {
    super('TIMEOUT', message, options);
    this.timeoutMs = timeoutMs;
  }
}
