import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { z } from 'zod';
import { isAbortError } from '../errors.js';
import { LlmAbortedError, LlmError, SchemaMismatchError } from './llm-error.js';
import type { LlmUsage } from './llm-error.js';
import { costOf, priceFor } from './pricing.js';
import type { PriceTable } from './pricing.js';
import type { ProviderConfig } from './provider-config.js';
import { parseRateLimitHeaders } from './rate-limit-headers.js';
import type { RateLimitInfo } from './rate-limit-headers.js';
import { redactSecrets } from './redact-secrets.js';
import { DeadlineExceededError, formatMs, parseRetryAfter, shouldRetryStatus, withRetry } from './retry.js';
import type { RetryEvent, RetryPolicy, RetryVerdict } from './retry.js';
import { jsonSchemaResponseFormat, parseStructuredContent, reaskMessage } from './structured-output.js';
import { estimateUsage } from './usage-estimate.js';

/** One chat message. Only text content; Whitebox tools send no images or tools. */
export interface ChatMessage {
  /** Who speaks. */
  readonly role: 'system' | 'user' | 'assistant';
  /** What they say. */
  readonly content: string;
}

/** One Chat Completions call. */
export interface ChatRequest {
  /** The conversation so far. */
  readonly messages: readonly ChatMessage[];
  /** @default the provider's model */
  readonly model?: string | undefined;
  /** Sampling temperature; omitted from the request when undefined (some models reject any value). */
  readonly temperature?: number | undefined;
  /** Output token limit; sent as `max_completion_tokens` to OpenAI and as `max_tokens` elsewhere. */
  readonly maxTokens?: number | undefined;
  /** The `response_format` as the API takes it. {@link LlmClient.structured} fills this in. */
  readonly responseFormat?: ChatCompletionCreateParams['response_format'];
  /**
   * Stream the answer over SSE with `include_usage`. The result is the same; streaming lets a
   * cancel stop the generation early and lets `onDelta` show progress. @default false
   */
  readonly stream?: boolean | undefined;
  /**
   * Receives streamed text as it arrives. After a retry the text starts again from the
   * beginning; `attempt` tells the attempts apart.
   */
  readonly onDelta?: ((text: string, attempt: number) => void) | undefined;
  /** Cancels the call, including a retry wait; the HTTP request is aborted. */
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout in ms, covering the whole body of a stream. @default the client's */
  readonly timeoutMs?: number | undefined;
  /** Total budget in ms for the call, retries and waits included. @default the client's */
  readonly deadlineMs?: number | undefined;
  /** A name for this call in records and errors, such as a persona name. */
  readonly label?: string | undefined;
  /** Told before each retry wait of this call (the client's `onRetry` is told too). */
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** A structured call: a {@link ChatRequest} plus the zod schema the answer must match. */
export interface StructuredRequest<T> extends Omit<ChatRequest, 'responseFormat'> {
  /** The answer's schema; every field must be required (use `.nullable()` for optional ones). */
  readonly schema: z.ZodType<T>;
  /** The schema's name as the API sees it. @default "answer" */
  readonly schemaName?: string | undefined;
}

/** What one call returned and what it cost. */
export interface ChatResult {
  /** The answer's text. */
  readonly content: string;
  /** The model that answered, as the provider named it. */
  readonly model: string;
  /** `stop`, `length`, …, as the provider reported it. */
  readonly finishReason: string | undefined;
  /** Token counts; `estimated` when the provider reported none. */
  readonly usage: LlmUsage;
  /** Cost in US dollars from the price table, `undefined` for a model without a price. */
  readonly costUsd: number | undefined;
  /** The last rate-limit headers seen, `undefined` when the provider sends none. */
  readonly rateLimit: RateLimitInfo | undefined;
  /** HTTP attempts made, retries included. */
  readonly attempts: number;
  /** Wall time of the call, retries and waits included. */
  readonly durationMs: number;
  /** The provider's `x-request-id`. */
  readonly requestId: string | undefined;
}

/** What {@link LlmClient.structured} returns: the validated value plus the summed accounting of its calls. */
export interface StructuredResult<T> extends ChatResult {
  /** The parsed, schema-valid answer. */
  readonly value: T;
  /** 1, or 2 when the first answer was invalid and the model was asked again. */
  readonly calls: number;
}

/** One finished call, successful or not, for accounting (council and swarm sum these). */
export interface LlmCallRecord {
  /** The request's label. */
  readonly label: string | undefined;
  /** The model asked. */
  readonly model: string;
  /** How the call ended. */
  readonly outcome: 'ok' | 'error' | 'aborted';
  /** Reported or estimated usage; `undefined` when the call failed before any output. */
  readonly usage: LlmUsage | undefined;
  /** Cost in US dollars, when both usage and price are known. */
  readonly costUsd: number | undefined;
  /** HTTP attempts made. */
  readonly attempts: number;
  /** Wall time. */
  readonly durationMs: number;
  /** The error's message for a failed call (redacted). */
  readonly error: string | undefined;
}

/** Options for {@link createLlmClient}. */
export interface LlmClientOptions {
  /** Where to send requests; from {@link resolveProvider}. */
  readonly provider: ProviderConfig;
  /** The `fetch` the openai SDK uses; tests inject canned responses here. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Per-attempt timeout. @default provider.timeoutMs, else 120000 */
  readonly timeoutMs?: number;
  /** Total budget per call. @default provider.deadlineMs, else 300000 */
  readonly deadlineMs?: number;
  /** Retry settings, over the provider's. @default DEFAULT_RETRY_POLICY */
  readonly retry?: RetryPolicy;
  /** Prices, instead of the provider's table. */
  readonly prices?: PriceTable;
  /** @default Date.now */
  readonly now?: () => number;
  /** The retry wait; must reject when the signal aborts. @default an abortable setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source. @default Math.random */
  readonly random?: () => number;
  /** Told before each retry wait. */
  readonly onRetry?: (event: RetryEvent & { readonly label: string | undefined }) => void;
  /** Told whenever a response carries `x-ratelimit-*` headers (swarm paces itself with these). */
  readonly onRateLimit?: (info: RateLimitInfo) => void;
  /** Told once per finished call, with its usage and cost. */
  readonly onCall?: (record: LlmCallRecord) => void;
}

/** A Chat Completions client with Whitebox's retry loop, deadline, accounting and structured output. */
export interface LlmClient {
  /** The provider this client talks to (its `apiKey` is not enumerable). */
  readonly provider: ProviderConfig;
  /**
   * Sends one chat request, retrying transient failures.
   *
   * @throws {LlmError} `PROVIDER` for an HTTP or connection failure, `TIMEOUT` for a timeout or a passed deadline.
   * @throws {LlmAbortedError} when `signal` aborts, with the (estimated) usage of the cancelled call.
   */
  chat(request: ChatRequest): Promise<ChatResult>;
  /**
   * Sends a request with a `json_schema` response format and validates the answer. When the
   * answer is not valid JSON or does not match (endpoints such as Ollama ignore `strict`), it asks
   * once more with the validation error appended.
   *
   * @throws {SchemaMismatchError} when the second answer is invalid too; and whatever {@link LlmClient.chat} throws.
   */
  structured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>>;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_DEADLINE_MS = 300_000;

/** Our per-attempt timer fired (the SDK's own timeout covers only the response headers). */
class AttemptTimeoutError extends Error {
  override name = 'AttemptTimeoutError';
}

/** The SSE stream ended without a `finish_reason`: the server or a proxy cut it off. */
class StreamCutOffError extends Error {
  override name = 'StreamCutOffError';
}

/**
 * Decides whether one failed attempt is worth retrying: statuses by {@link shouldRetryStatus},
 * with the server's `retry-after(-ms)`; connection failures, timeouts and cut-off streams always.
 */
export function classifyLlmError(error: unknown, now: number = Date.now()): RetryVerdict {
  if (error instanceof APIUserAbortError) return { retryable: false };
  if (error instanceof APIError && error.status !== undefined) {
    return { retryable: shouldRetryStatus(error.status, error.headers), retryAfterMs: parseRetryAfter(error.headers, now) };
  }
  // APIConnectionError (incl. its timeout subclass), an error event inside a stream (APIError
  // without status), a reset while reading the body (undici's TypeError "terminated").
  if (error instanceof APIError || error instanceof AttemptTimeoutError || error instanceof StreamCutOffError) {
    return { retryable: true };
  }
  return { retryable: error instanceof TypeError };
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new TypeError(`Expected \`${name}\` to be a positive number of milliseconds, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}

function publicUrl(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return baseURL;
  }
}

function sumUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    estimated: a.estimated || b.estimated,
  };
}

interface ReportedUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly total_tokens?: number;
}

function toUsage(reported: ReportedUsage | null | undefined, messages: readonly ChatMessage[], content: string): LlmUsage {
  if (!reported || typeof reported.prompt_tokens !== 'number' || typeof reported.completion_tokens !== 'number') {
    return estimateUsage(messages, content);
  }
  return {
    promptTokens: reported.prompt_tokens,
    completionTokens: reported.completion_tokens,
    totalTokens: reported.total_tokens ?? reported.prompt_tokens + reported.completion_tokens,
    estimated: false,
  };
}

/**
 * Creates the LLM client every Whitebox tool shares. It uses the official `openai` SDK with
 * `maxRetries: 0` and runs one retry loop of its own, because the SDK's backoff cannot be
 * cancelled and has no total deadline (see /work/shared/reference/llm-provider-anchors.md §3).
 *
 * @example
 * const client = createLlmClient({ provider: await resolveProvider() });
 * const { value } = await client.structured({ messages, schema: VerdictSchema, schemaName: 'verdict', signal });
 */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got \`${String(options)}\` (${typeof options})`);
  }
  const { provider } = options;
  if (typeof provider !== 'object' || provider === null || typeof provider.baseURL !== 'string') {
    throw new TypeError(`Expected \`options.provider\` to be a ProviderConfig, got \`${String(provider)}\` (${typeof provider})`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError(`Expected \`options.fetch\` to be a function, got \`${String(options.fetch)}\` (${typeof options.fetch})`);
  }
  const defaultTimeoutMs = positive('timeoutMs', options.timeoutMs ?? provider.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const defaultDeadlineMs = positive('deadlineMs', options.deadlineMs ?? provider.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const retryPolicy: RetryPolicy = { ...provider.retry, ...options.retry };
  const prices = options.prices ?? provider.prices;
  const now = options.now ?? Date.now;
  const secrets = [provider.apiKey];
  const endpoint = `POST ${publicUrl(provider.baseURL)}/chat/completions`;
  const isOpenAi = /(^|\.)openai\.com$/.test(new URL(provider.baseURL).hostname);

  const sdk = new OpenAI({
    baseURL: provider.baseURL,
    // Local servers need no key, but the SDK insists on one; they ignore the header.
    apiKey: provider.apiKey ?? 'no-key',
    maxRetries: 0,
    logLevel: 'off',
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });

  const costFor = (usage: LlmUsage, model: string, requested: string): number | undefined =>
    costOf(usage, priceFor(model, prices) ?? priceFor(requested, prices));

  function buildBody(request: ChatRequest, model: string): ChatCompletionCreateParams {
    return {
      model,
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined
        ? {}
        : isOpenAi
          ? { max_completion_tokens: request.maxTokens }
          : { max_tokens: request.maxTokens }),
      ...(request.responseFormat === undefined ? {} : { response_format: request.responseFormat }),
    };
  }

  // The cause ends up in `--verbose` output and in logs, and a proxy may echo the key in its
  // error body, so the cause chain is rebuilt from redacted copies.
  function safe(error: unknown, depth = 0): unknown {
    if (!(error instanceof Error) || depth > 4) return error;
    const copy = new Error(redactSecrets(error.message, secrets), error.cause === undefined ? undefined : { cause: safe(error.cause, depth + 1) });
    copy.name = error.name;
    copy.stack = redactSecrets(error.stack ?? '', secrets);
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') Object.assign(copy, { status });
    return copy;
  }

  function describeFailure(error: unknown, attempts: number, label: string | undefined): LlmError {
    const who = label === undefined ? endpoint : `${label}: ${endpoint}`;
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    if (error instanceof DeadlineExceededError) {
      const cause = error.cause;
      if (cause instanceof AttemptTimeoutError) {
        // The last attempt used up the budget itself; "no response within …" says it all.
        const retried = error.attempts > 1 ? ` (after ${error.attempts} attempts)` : '';
        return new LlmError('TIMEOUT', redactSecrets(`${who}: ${cause.message}${retried}`, secrets), { attempts: error.attempts }, { cause: safe(error) });
      }
      return new LlmError('TIMEOUT', redactSecrets(`${who}: ${error.message}`, secrets), {
        attempts: error.attempts,
        status: cause instanceof APIError ? cause.status : undefined,
        rateLimit: cause instanceof APIError ? parseRateLimitHeaders(cause.headers) : undefined,
      }, { cause: safe(error) });
    }
    if (error instanceof AttemptTimeoutError || error instanceof APIConnectionTimeoutError) {
      return new LlmError('TIMEOUT', redactSecrets(`${who}: ${error.message}${tries}`, secrets), { attempts }, { cause: safe(error) });
    }
    if (error instanceof APIError && error.status !== undefined) {
      const retried = shouldRetryStatus(error.status, error.headers) ? tries : ' (not retried)';
      return new LlmError('PROVIDER', redactSecrets(`${who}: ${error.message}${retried}`, secrets), {
        status: error.status,
        attempts,
        requestId: error.requestID ?? undefined,
        rateLimit: parseRateLimitHeaders(error.headers),
      }, { cause: safe(error) });
    }
    if (error instanceof APIConnectionError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return new LlmError('PROVIDER', redactSecrets(`${who}: connection failed${cause}${tries}`, secrets), { attempts }, { cause: safe(error) });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new LlmError('PROVIDER', redactSecrets(`${who}: ${message}${tries}`, secrets), { attempts }, { cause: safe(error) });
  }

  async function chat(request: ChatRequest): Promise<ChatResult> {
    if (typeof request !== 'object' || request === null || !Array.isArray(request.messages)) {
      throw new TypeError(`Expected \`request.messages\` to be an array, got \`${String(request?.messages)}\` (${typeof request?.messages})`);
    }
    const requested = request.model ?? provider.model;
    if (requested === undefined) {
      throw new TypeError('Expected `request.model` to be a string because the provider has no default model, got `undefined` (undefined)');
    }
    const timeoutMs = positive('timeoutMs', request.timeoutMs ?? defaultTimeoutMs);
    const deadlineMs = positive('deadlineMs', request.deadlineMs ?? defaultDeadlineMs);
    const { signal, label } = request;
    const started = now();
    const deadline = started + deadlineMs;
    const body = buildBody(request, requested);
    let attempts = 0;
    let partial = '';
    let rateLimit: RateLimitInfo | undefined;
    let streamUsage: ReportedUsage | undefined;

    const noteHeaders = (headers: Headers | undefined): void => {
      const info = parseRateLimitHeaders(headers);
      if (info === undefined) return;
      rateLimit = info;
      options.onRateLimit?.(info);
    };

    const attemptOnce = async (attempt: number): Promise<Omit<ChatResult, 'attempts' | 'durationMs' | 'rateLimit'>> => {
      attempts = attempt;
      partial = '';
      streamUsage = undefined;
      const controller = new AbortController();
      const forward = (): void => controller.abort(signal?.reason);
      signal?.addEventListener('abort', forward, { once: true });
      const remaining = deadline - now();
      const limit = Math.max(1, Math.min(timeoutMs, remaining));
      // Name the limit the user set, not the milliseconds left of it, which vary run to run.
      const timeout = new AttemptTimeoutError(
        timeoutMs <= remaining ? `no complete response within ${formatMs(timeoutMs)}` : `no complete response within the call's ${formatMs(deadlineMs)} deadline`,
      );
      const timer = setTimeout(() => controller.abort(timeout), limit);
      const requestOptions = { signal: controller.signal, timeout: limit, maxRetries: 0 };
      try {
        if (request.stream === true) {
          const { data: stream, response } = await sdk.chat.completions
            .create({ ...body, stream: true, stream_options: { include_usage: true } }, requestOptions)
            .withResponse();
          noteHeaders(response.headers);
          let model = requested;
          let finishReason: string | undefined;
          for await (const chunk of stream) {
            if (chunk.model) model = chunk.model;
            if (chunk.usage) streamUsage = chunk.usage;
            const choice = chunk.choices[0];
            const text = choice?.delta?.content;
            if (text) {
              partial += text;
              request.onDelta?.(text, attempt);
            }
            if (choice?.finish_reason) finishReason = choice.finish_reason;
          }
          // The SDK ends the iteration quietly when the request is aborted, so look for ourselves.
          if (controller.signal.aborted) throw controller.signal.reason;
          if (finishReason === undefined) {
            throw new StreamCutOffError(`the stream was cut off after ${partial.length} characters, before a finish_reason arrived`);
          }
          const usage = toUsage(streamUsage, request.messages, partial);
          return {
            content: partial,
            model,
            finishReason,
            usage,
            costUsd: costFor(usage, model, requested),
            requestId: response.headers.get('x-request-id') ?? undefined,
          };
        }
        const { data, response } = await sdk.chat.completions.create({ ...body, stream: false }, requestOptions).withResponse();
        noteHeaders(response.headers);
        if (typeof data !== 'object' || data === null || !Array.isArray(data.choices)) {
          throw new Error(`expected a chat.completion object, got ${JSON.stringify(data).slice(0, 200)}`);
        }
        const choice = data.choices[0];
        const content = choice?.message?.content ?? '';
        partial = content;
        const model = data.model || requested;
        const usage = toUsage(data.usage, request.messages, content);
        return {
          content,
          model,
          finishReason: choice?.finish_reason ?? undefined,
          usage,
          costUsd: costFor(usage, model, requested),
          requestId: response.headers.get('x-request-id') ?? undefined,
        };
      } catch (error) {
        if (controller.signal.reason === timeout) throw timeout;
        if (error instanceof APIError) noteHeaders(error.headers);
        throw error;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', forward);
      }
    };

    try {
      const result = await withRetry(attemptOnce, {
        ...retryPolicy,
        classify: (error) => classifyLlmError(error, now()),
        signal,
        deadline,
        now,
        ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        ...(options.random === undefined ? {} : { random: options.random }),
        onRetry: (event) => {
          request.onRetry?.(event);
          options.onRetry?.({ ...event, label });
        },
      });
      const done: ChatResult = { ...result, rateLimit, attempts, durationMs: now() - started };
      options.onCall?.({
        label,
        model: done.model,
        outcome: 'ok',
        usage: done.usage,
        costUsd: done.costUsd,
        attempts,
        durationMs: done.durationMs,
        error: undefined,
      });
      return done;
    } catch (error) {
      const durationMs = now() - started;
      if (signal?.aborted || isAbortError(error)) {
        // The cancelled call still cost something: the prompt was read and tokens were generated.
        const usage = toUsage(streamUsage, request.messages, partial);
        const costUsd = costFor(usage, requested, requested);
        options.onCall?.({ label, model: requested, outcome: 'aborted', usage, costUsd, attempts, durationMs, error: undefined });
        const reason = error instanceof Error ? error.message : 'Aborted';
        throw new LlmAbortedError(label === undefined ? reason : `${label}: ${reason}`, usage, costUsd, partial, { cause: error });
      }
      const failure = describeFailure(error, attempts, label);
      options.onCall?.({
        label,
        model: requested,
        outcome: 'error',
        usage: undefined,
        costUsd: undefined,
        attempts: failure.attempts,
        durationMs,
        error: failure.message,
      });
      throw failure;
    }
  }

  async function structured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const { schema, schemaName = 'answer', ...rest } = request;
    if (typeof schema !== 'object' || schema === null || typeof schema.safeParse !== 'function') {
      throw new TypeError(`Expected \`request.schema\` to be a zod schema, got \`${String(schema)}\` (${typeof schema})`);
    }
    const responseFormat = jsonSchemaResponseFormat(schema, schemaName);
    // The re-ask shares the call's deadline, so a structured call never takes twice the budget.
    const deadline = now() + positive('deadlineMs', rest.deadlineMs ?? defaultDeadlineMs);
    const first = await chat({ ...rest, responseFormat });
    const parsed = parseStructuredContent(first.content, schema);
    if (parsed.ok) return { ...first, value: parsed.value, calls: 1 };

    const left = deadline - now();
    if (left <= 0) {
      const who = rest.label === undefined ? '' : `${rest.label}: `;
      throw new LlmError('TIMEOUT', `${who}no time left to ask again after an invalid answer (${parsed.problem})`, {
        attempts: first.attempts,
      });
    }
    const second = await chat({
      ...rest,
      deadlineMs: left,
      responseFormat,
      messages: [
        ...rest.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: reaskMessage(parsed.problem) },
      ],
    });
    const combined: ChatResult = {
      ...second,
      usage: sumUsage(first.usage, second.usage),
      costUsd: first.costUsd === undefined || second.costUsd === undefined ? undefined : first.costUsd + second.costUsd,
      attempts: first.attempts + second.attempts,
      durationMs: first.durationMs + second.durationMs,
    };
    const reparsed = parseStructuredContent(second.content, schema);
    if (reparsed.ok) return { ...combined, value: reparsed.value, calls: 2 };
    throw new SchemaMismatchError(schemaName, reparsed.problem, second.content);
  }

  return { provider, chat, structured };
}
