/** The `usage` object of a chat completion. */
export interface ChatUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details: { readonly cached_tokens: number; readonly audio_tokens: number };
  readonly completion_tokens_details: {
    readonly reasoning_tokens: number;
    readonly audio_tokens: number;
    readonly accepted_prediction_tokens: number;
    readonly rejected_prediction_tokens: number;
  };
}

/** The fingerprint every simulated answer carries, so logs show where an answer came from. */
export const SYSTEM_FINGERPRINT = 'fp_llmsim';

/** Builds `usage` from the two counts. */
export function chatUsage(promptTokens: number, completionTokens: number): ChatUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** What {@link chatCompletionBody} needs. */
export interface ChatCompletionFields {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly content: string;
  readonly finishReason: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** A non-streaming `chat.completion` body, field for field as the API sends it. */
export function chatCompletionBody(fields: ChatCompletionFields): Record<string, unknown> {
  return {
    id: fields.id,
    object: 'chat.completion',
    created: fields.created,
    model: fields.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: fields.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: fields.finishReason,
      },
    ],
    usage: chatUsage(fields.promptTokens, fields.completionTokens),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/** What {@link chatCompletionChunk} needs. */
export interface ChatChunkFields {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly includeUsage: boolean;
  /** `null` makes the usage chunk: empty `choices` and `usage` filled in. */
  readonly delta: Record<string, unknown> | null;
  readonly finishReason?: string | null | undefined;
  readonly usage?: ChatUsage | undefined;
}

/**
 * A `chat.completion.chunk`. With `include_usage`, every chunk carries `usage: null` except the
 * last, which has empty `choices` and the usage.
 */
export function chatCompletionChunk(fields: ChatChunkFields): Record<string, unknown> {
  const chunk: Record<string, unknown> = {
    id: fields.id,
    object: 'chat.completion.chunk',
    created: fields.created,
    model: fields.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: fields.delta === null ? [] : [{ index: 0, delta: fields.delta, logprobs: null, finish_reason: fields.finishReason ?? null }],
  };
  if (fields.includeUsage) chunk['usage'] = fields.usage ?? null;
  return chunk;
}
