import { AbortedError, WhiteboxError } from '../errors.js';
import type { WhiteboxErrorCode } from '../errors.js';
import type { RateLimitInfo } from './rate-limit-headers.js';

/** Token counts of one call; `estimated` is true when they were guessed rather than reported. */
export interface LlmUsage {
  /** Prompt (input) tokens. */
  readonly promptTokens: number;
  /** Completion (output) tokens. */
  readonly completionTokens: number;
  /** Their sum. */
  readonly totalTokens: number;
  /** True when the provider reported nothing (a cancelled or cut-off stream) and chars/4 was used. */
  readonly estimated: boolean;
}

/** Context an {@link LlmError} carries besides its message. */
export interface LlmErrorDetails {
  /** The HTTP status, when the provider answered at all. */
  readonly status?: number | undefined;
  /** Attempts made, retries included. */
  readonly attempts?: number | undefined;
  /** The provider's `x-request-id`, for support tickets. */
  readonly requestId?: string | undefined;
  /** Rate-limit headers of the failing response. */
  readonly rateLimit?: RateLimitInfo | undefined;
}

/**
 * A call to the LLM provider failed: an HTTP error (`code` `PROVIDER`), a timeout or an exhausted
 * deadline (`TIMEOUT`). The message names the endpoint, the status and whether it was retried,
 * and never contains the API key.
 */
export class LlmError extends WhiteboxError {
  override name = 'LlmError';

  /** The HTTP status, or `undefined` for a connection failure or a timeout. */
  readonly status: number | undefined;
  /** Attempts made, retries included. */
  readonly attempts: number;
  /** The provider's request id, when it sent one. */
  readonly requestId: string | undefined;
  /** Rate-limit headers of the failing response, when present. */
  readonly rateLimit: RateLimitInfo | undefined;

  /**
   * @param code - `PROVIDER` or `TIMEOUT`.
   * @param message - Already redacted.
   */
  constructor(code: WhiteboxErrorCode, message: string, details: LlmErrorDetails = {}, options?: ErrorOptions) {
    super(code, message, options);
    this.status = details.status;
    this.attempts = details.attempts ?? 1;
    this.requestId = details.requestId;
    this.rateLimit = details.rateLimit;
  }
}

/**
 * The model's answer did not match the requested schema, even after one re-ask with the
 * validation error. `code` is `LLM_SCHEMA`.
 */
export class SchemaMismatchError extends WhiteboxError {
  override name = 'SchemaMismatchError';

  /**
   * @param schemaName - The `json_schema` name that was requested.
   * @param problem - What was wrong with the last answer.
   * @param content - The last answer as received.
   */
  constructor(
    readonly schemaName: string,
    readonly problem: string,
    readonly content: string,
    options?: ErrorOptions,
  ) {
    super('LLM_SCHEMA', `the answer did not match the "${schemaName}" schema, even after asking again: ${problem}`, options);
  }
}

/**
 * A call was cancelled through its AbortSignal. It is an {@link AbortedError} (so CLIs exit 130)
 * that also says what the cancelled call cost: the provider's usage when it arrived, otherwise an
 * estimate from the prompt and the partial output.
 */
export class LlmAbortedError extends AbortedError {
  override name = 'LlmAbortedError';

  /**
   * @param usage - Reported or estimated token counts of the cancelled call.
   * @param costUsd - Their cost, `undefined` when the model's price is unknown.
   * @param partialContent - The text that had streamed in before the cancel.
   */
  constructor(
    message: string,
    readonly usage: LlmUsage,
    readonly costUsd: number | undefined,
    readonly partialContent: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
