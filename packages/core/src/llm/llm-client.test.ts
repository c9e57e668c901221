import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AbortedError, isAbortError } from '../errors.js';
import { createLlmClient } from './llm-client.js';
import type { LlmCallRecord, LlmClientOptions } from './llm-client.js';
import { LlmAbortedError, LlmError, SchemaMismatchError } from './llm-error.js';
import { DEFAULT_PRICES } from './pricing.js';
import type { ProviderConfig } from './provider-config.js';
import type { RateLimitInfo } from './rate-limit-headers.js';

const KEY = 'sk-live-0123456789abcdefghij';

function provider(overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    baseURL: 'http://llm.test/v1',
    apiKey: KEY,
    model: 'gpt-4o-mini',
    prices: DEFAULT_PRICES,
    timeoutMs: undefined,
    deadlineMs: undefined,
    retry: {},
    sources: { baseURL: 'flag', apiKey: 'env', model: 'flag' },
    configFile: undefined,
    ...overrides,
  };
}

type Responder = (request: { url: string; body: Record<string, unknown>; signal: AbortSignal | undefined; headers: Headers }) => Response | Promise<Response>;

/** A `fetch` that answers each call with the next responder (the last one repeats) and records the requests. */
function scriptedFetch(...responders: Responder[]) {
  const calls: { url: string; body: Record<string, unknown>; signal: AbortSignal | undefined; headers: Headers }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const call = {
      url: String(input),
      body: JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>,
      signal: init?.signal ?? undefined,
      headers: new Headers(init?.headers),
    };
    calls.push(call);
    const responder = responders[Math.min(calls.length - 1, responders.length - 1)] as Responder;
    return responder(call);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function completion(content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 },
    ...extra,
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const ok = (content: string, headers: Record<string, string> = {}): Responder => () => json(completion(content), 200, headers);
const fail = (status: number, headers: Record<string, string> = {}, message = `status ${status}`): Responder => () =>
  json({ error: { message, type: 'test' } }, status, headers);

/** A response whose body never arrives until the request is aborted, as a hung server behaves. */
const hang: Responder = ({ signal }) =>
  new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')), { once: true });
  });

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const body = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }], usage: null };
  return `data: ${JSON.stringify(body)}\n\n`;
}
const usageChunk = (prompt: number, completionTokens: number): string =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens } })}\n\n`;

/**
 * An SSE response. Events are sent one by one; `hold` keeps the stream open after them (until the
 * request aborts), and without `[DONE]` in `events` the stream just ends, as a cut-off one does.
 */
function sse(events: string[], options: { hold?: boolean; onSent?: () => void } = {}): Responder {
  return ({ signal }) => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal?.addEventListener('abort', () => controller.error(new DOMException('This operation was aborted', 'AbortError')), { once: true });
        for (const event of events) controller.enqueue(encoder.encode(event));
        if (!options.hold) controller.close();
        queueMicrotask(() => options.onSent?.());
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}

function fakeTime() {
  let t = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      t += ms;
    },
  };
}

function client(fetch: typeof globalThis.fetch, options: Partial<LlmClientOptions> = {}) {
  const time = fakeTime();
  const records: LlmCallRecord[] = [];
  const llm = createLlmClient({
    provider: provider(),
    fetch,
    now: time.now,
    sleep: time.sleep,
    random: () => 0,
    onCall: (record) => records.push(record),
    ...options,
  });
  return { llm, time, records };
}

const messages = [
  { role: 'system', content: 'You are a judge.' },
  { role: 'user', content: 'Ship it?' },
] as const;

describe(createLlmClient, () => {
  it('sends one Chat Completions request and returns content, usage, cost and rate limits', async () => {
    const { fetch, calls } = scriptedFetch(
      ok('Yes.', { 'x-ratelimit-remaining-requests': '99', 'x-ratelimit-reset-tokens': '6m0s', 'x-request-id': 'req_1' }),
    );
    const seen: RateLimitInfo[] = [];
    const { llm, records } = client(fetch, { onRateLimit: (info) => seen.push(info) });

    const result = await llm.chat({ messages, temperature: 0.2, label: 'judge' });

    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://llm.test/v1/chat/completions');
    expect(calls[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(calls[0]?.body).toEqual({ model: 'gpt-4o-mini', messages, temperature: 0.2, stream: false });
    expect(result).toMatchObject({
      content: 'Yes.',
      model: 'gpt-4o-mini-2024-07-18',
      finishReason: 'stop',
      usage: { promptTokens: 1000, completionTokens: 500, totalTokens: 1500, estimated: false },
      attempts: 1,
      requestId: 'req_1',
      rateLimit: { remainingRequests: 99, resetTokensMs: 360_000 },
    });
    // gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens.
    expect(result.costUsd).toBeCloseTo(0.00045, 10);
    expect(seen).toEqual([result.rateLimit]);
    expect(records).toEqual([expect.objectContaining({ label: 'judge', outcome: 'ok', attempts: 1, costUsd: result.costUsd })]);
  });

  it('sends max_tokens to other servers and max_completion_tokens to OpenAI', async () => {
    const local = scriptedFetch(ok('a'));
    await client(local.fetch).llm.chat({ messages, maxTokens: 50 });
    expect(local.calls[0]?.body).toMatchObject({ max_tokens: 50 });

    const openai = scriptedFetch(ok('a'));
    await createLlmClient({ provider: provider({ baseURL: 'https://api.openai.com/v1' }), fetch: openai.fetch }).chat({ messages, maxTokens: 50 });
    expect(openai.calls[0]?.body).toMatchObject({ max_completion_tokens: 50 });
    expect(openai.calls[0]?.body).not.toHaveProperty('max_tokens');
  });

  it('retries a 429 after the retry-after-ms the server asked for', async () => {
    const { fetch, calls } = scriptedFetch(fail(429, { 'retry-after-ms': '1500', 'x-ratelimit-remaining-requests': '0' }), ok('done'));
    const retries: unknown[] = [];
    const { llm, time } = client(fetch, { onRetry: (event) => retries.push({ attempt: event.attempt, delayMs: event.delayMs, label: event.label }) });

    const result = await llm.chat({ messages, label: 'critic' });

    expect(result).toMatchObject({ content: 'done', attempts: 2 });
    expect(calls).toHaveLength(2);
    expect(time.waits).toEqual([1500]);
    expect(retries).toEqual([{ attempt: 1, delayMs: 1500, label: 'critic' }]);
  });

  it('caps a long retry-after at retryAfterCapMs', async () => {
    const { fetch } = scriptedFetch(fail(429, { 'retry-after': '3600' }), ok('done'));
    const { llm, time } = client(fetch, { retry: { retryAfterCapMs: 20_000 }, deadlineMs: 600_000 });
    await llm.chat({ messages });
    expect(time.waits).toEqual([20_000]);
  });

  it.each([408, 409, 500, 502, 503])('backs off exponentially on %i', async (status) => {
    const { fetch, calls } = scriptedFetch(fail(status), fail(status), ok('done'));
    const { llm, time } = client(fetch);
    await expect(llm.chat({ messages })).resolves.toMatchObject({ attempts: 3 });
    expect(calls).toHaveLength(3);
    expect(time.waits).toEqual([500, 1000]);
  });

  it('retries connection errors', async () => {
    const { fetch, calls } = scriptedFetch(() => {
      throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    }, ok('done'));
    const { llm } = client(fetch);
    await expect(llm.chat({ messages })).resolves.toMatchObject({ content: 'done', attempts: 2 });
    expect(calls).toHaveLength(2);
  });

  it.each([400, 401, 403, 404])('never retries %i and says so', async (status) => {
    const { fetch, calls } = scriptedFetch(fail(status, { 'x-should-retry': 'true' }), ok('unreachable'));
    const { llm, time, records } = client(fetch);
    const error = await llm.chat({ messages, label: 'judge' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'PROVIDER', status, attempts: 1 });
    expect((error as Error).message).toBe(`judge: POST http://llm.test/v1/chat/completions: ${status} status ${status} (not retried)`);
    expect(calls).toHaveLength(1);
    expect(time.waits).toEqual([]);
    expect(records).toEqual([expect.objectContaining({ outcome: 'error', attempts: 1 })]);
  });

  it('obeys x-should-retry: false on a 503', async () => {
    const { fetch, calls } = scriptedFetch(fail(503, { 'x-should-retry': 'false' }), ok('unreachable'));
    await expect(client(fetch).llm.chat({ messages })).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(1);
  });

  it('gives up after maxAttempts with the last error and the attempt count', async () => {
    const { fetch, calls } = scriptedFetch(fail(500));
    const error = await client(fetch, { retry: { maxAttempts: 3 } }).llm.chat({ messages }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROVIDER', status: 500, attempts: 3 });
    expect((error as Error).message).toMatch(/500 status 500 \(after 3 attempts\)$/);
    expect(calls).toHaveLength(3);
  });

  it('stops with TIMEOUT when the next wait would pass the total deadline', async () => {
    const { fetch, calls } = scriptedFetch(fail(429, { 'retry-after': '30' }));
    const { llm, time } = client(fetch, { deadlineMs: 10_000 });
    const error = await llm.chat({ messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'TIMEOUT', status: 429, attempts: 1 });
    expect((error as Error).message).toMatch(/next retry in 30 s would pass the deadline/);
    expect(calls).toHaveLength(1);
    expect(time.waits).toEqual([]);
  });

  it('names the limit that cut a response off: the call\'s deadline, not the milliseconds left of it', async () => {
    const { fetch } = scriptedFetch(hang);
    const { llm } = createClientWithRealTime(fetch, { timeoutMs: 60_000, deadlineMs: 40, retry: { maxAttempts: 1 } });
    const error = await llm.chat({ messages }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/no complete response within the call's 40 ms deadline/) });
  });

  it('times out an attempt whose response never arrives', async () => {
    const { fetch, calls } = scriptedFetch(hang);
    const { llm } = createClientWithRealTime(fetch, { timeoutMs: 30, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await llm.chat({ messages }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 2 });
    expect((error as Error).message).toMatch(/no complete response within \d+ ms \(after 2 attempts\)/);
    expect(calls).toHaveLength(2);
    expect(calls.every((call) => call.signal?.aborted)).toBe(true);
  });

  it('reports a call that used up its whole deadline waiting as a plain timeout', async () => {
    const { fetch } = scriptedFetch(hang);
    const { llm } = createClientWithRealTime(fetch, { deadlineMs: 30 });
    const error = await llm.chat({ messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    // Real timers: on a loaded machine the deadline and the attempt timer may fire in either order,
    // and both must read as the same plain timeout.
    expect(error).toMatchObject({ code: 'TIMEOUT', attempts: 1 });
    expect((error as Error).message).toMatch(/^POST http:\/\/llm\.test\/v1\/chat\/completions: .*30 ms/);
  });

  it('aborts the HTTP request itself when the signal aborts', async () => {
    const { fetch, calls } = scriptedFetch(hang);
    const { llm, records } = client(fetch);
    const controller = new AbortController();
    const reason = new AbortedError('Interrupted (SIGINT)');
    const pending = llm.chat({ messages, signal: controller.signal, label: 'skeptic' });
    await until(() => calls.length === 1);
    controller.abort(reason);

    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmAbortedError);
    expect(isAbortError(error)).toBe(true);
    expect((error as Error).message).toBe('skeptic: Interrupted (SIGINT)');
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect(records).toEqual([expect.objectContaining({ outcome: 'aborted', usage: expect.objectContaining({ estimated: true, completionTokens: 0 }) })]);
  });

  it('stops waiting out a retry-after when the signal aborts', async () => {
    const { fetch, calls } = scriptedFetch(fail(429, { 'retry-after': '60' }), ok('unreachable'));
    const controller = new AbortController();
    const { llm } = createClientWithRealTime(fetch, { onRetry: () => queueMicrotask(() => controller.abort(new AbortedError())) });
    await expect(llm.chat({ messages, signal: controller.signal })).rejects.toBeInstanceOf(LlmAbortedError);
    expect(calls).toHaveLength(1);
  });

  it('never puts the key in an error message, even when the server echoes it', async () => {
    const { fetch } = scriptedFetch(fail(401, {}, `Incorrect API key provided: ${KEY}. Authorization: Bearer ${KEY}`));
    const error = (await client(fetch).llm.chat({ messages }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(KEY.slice(3));
    const chain: string[] = [];
    for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) chain.push(`${cause.message}\n${cause.stack ?? ''}`);
    expect(chain.length).toBeGreaterThan(0);
    expect(chain.join('\n')).toContain('Incorrect API key provided');
    expect(chain.join('\n')).not.toContain(KEY);
  });

  describe('streaming', () => {
    it('assembles deltas, reports them, and takes usage from the include_usage chunk', async () => {
      const { fetch, calls } = scriptedFetch(
        sse([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), usageChunk(12, 2), 'data: [DONE]\n\n']),
      );
      const deltas: string[] = [];
      const result = await client(fetch).llm.chat({ messages, stream: true, onDelta: (text) => deltas.push(text) });
      expect(calls[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      expect(deltas).toEqual(['Hel', 'lo']);
      expect(result).toMatchObject({ content: 'Hello', finishReason: 'stop', usage: { promptTokens: 12, completionTokens: 2, estimated: false } });
    });

    it('estimates usage when the server sends no usage chunk', async () => {
      const { fetch } = scriptedFetch(sse([chunk({ content: 'abcdefgh' }), chunk({}, 'stop'), 'data: [DONE]\n\n']));
      const result = await client(fetch).llm.chat({ messages, stream: true });
      expect(result.usage).toMatchObject({ completionTokens: 2, estimated: true });
    });

    it('retries a stream that was cut off before it finished', async () => {
      const { fetch, calls } = scriptedFetch(
        sse([chunk({ content: 'Hal' })]),
        sse([chunk({ content: 'Whole answer' }), chunk({}, 'stop'), 'data: [DONE]\n\n']),
      );
      const deltas: [string, number][] = [];
      const result = await client(fetch).llm.chat({ messages, stream: true, onDelta: (text, attempt) => deltas.push([text, attempt]) });
      expect(result).toMatchObject({ content: 'Whole answer', attempts: 2 });
      expect(calls).toHaveLength(2);
      expect(deltas).toEqual([['Hal', 1], ['Whole answer', 2]]);
    });

    it('reports a stream cut off on every attempt', async () => {
      const { fetch } = scriptedFetch(sse([chunk({ content: 'Hal' })]));
      const error = await client(fetch, { retry: { maxAttempts: 2 } }).llm.chat({ messages, stream: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PROVIDER', attempts: 2 });
      expect((error as Error).message).toMatch(/the stream was cut off after 3 characters, before a finish_reason arrived \(after 2 attempts\)/);
    });

    it('aborts a stream mid-way and estimates what the cancelled call cost', async () => {
      const controller = new AbortController();
      const { fetch, calls } = scriptedFetch(sse([chunk({ content: 'x'.repeat(40) })], { hold: true }));
      const { llm, records } = client(fetch);
      const pending = llm.chat({ messages, stream: true, signal: controller.signal, onDelta: () => controller.abort(new AbortedError('converged')) });

      const error = await pending.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmAbortedError);
      const aborted = error as LlmAbortedError;
      expect(aborted.partialContent).toBe('x'.repeat(40));
      // Prompt: 'You are a judge.' (16 chars → 4) + 'Ship it?' (8 → 2) + 4 framing per message; output 40 chars → 10.
      expect(aborted.usage).toEqual({ promptTokens: 14, completionTokens: 10, totalTokens: 24, estimated: true });
      expect(aborted.costUsd).toBeCloseTo((14 * 0.15 + 10 * 0.6) / 1e6, 12);
      expect(calls[0]?.signal?.aborted).toBe(true);
      expect(records).toEqual([expect.objectContaining({ outcome: 'aborted', usage: aborted.usage })]);
    });

    it('times out a stream that stalls after its headers', async () => {
      const { fetch } = scriptedFetch(sse([chunk({ content: 'partial' })], { hold: true }));
      const { llm } = createClientWithRealTime(fetch, { timeoutMs: 30, retry: { maxAttempts: 1 } });
      await expect(llm.chat({ messages, stream: true })).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/no complete response within \d+ ms/) });
    });
  });

  describe('structured output', () => {
    const Verdict = z.object({ verdict: z.enum(['approve', 'reject']), confidence: z.number().min(0).max(1) });

    it('requests a strict json_schema and returns the validated value', async () => {
      const { fetch, calls } = scriptedFetch(ok('{"verdict":"approve","confidence":0.8}'));
      const result = await client(fetch).llm.structured({ messages, schema: Verdict, schemaName: 'verdict' });
      expect(result).toMatchObject({ value: { verdict: 'approve', confidence: 0.8 }, calls: 1 });
      expect(calls[0]?.body['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'verdict', strict: true, schema: { required: ['verdict', 'confidence'] } } });
    });

    it('asks once more with the validation error when the answer is not valid JSON', async () => {
      const { fetch, calls } = scriptedFetch(ok('Sure! {"verdict": approve'), ok('{"verdict":"reject","confidence":0.3}'));
      const result = await client(fetch).llm.structured({ messages, schema: Verdict, schemaName: 'verdict' });
      expect(result).toMatchObject({ value: { verdict: 'reject', confidence: 0.3 }, calls: 2, attempts: 2 });
      expect(result.usage).toMatchObject({ promptTokens: 2000, completionTokens: 1000 });
      const resent = calls[1]?.body['messages'] as { role: string; content: string }[];
      expect(resent.slice(0, 3)).toEqual([...messages, { role: 'assistant', content: 'Sure! {"verdict": approve' }]);
      expect(resent[3]).toMatchObject({ role: 'user', content: expect.stringMatching(/^Your previous answer was rejected: the answer is not valid JSON/) });
    });

    it('gives the re-ask only what is left of the call\'s deadline', async () => {
      const { fetch, calls } = scriptedFetch(
        fail(429, { 'retry-after': '6' }),
        ok('not json'),
        fail(429, { 'retry-after': '6' }),
        ok('{"verdict":"approve","confidence":1}'),
      );
      const retries: number[] = [];
      const error = await client(fetch)
        .llm.structured({ messages, schema: Verdict, deadlineMs: 10_000, onRetry: (event) => retries.push(event.delayMs) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/next retry in 6 s would pass the deadline \(4 s left\)/) });
      expect(retries).toEqual([6000]);
      expect(calls).toHaveLength(3);
    });

    it('asks once more when the JSON does not match the schema, then reports a schema failure', async () => {
      const { fetch, calls } = scriptedFetch(ok('{"verdict":"maybe","confidence":0.5}'), ok('{"verdict":"approve","confidence":7}'));
      const error = await client(fetch).llm.structured({ messages, schema: Verdict, schemaName: 'verdict' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaMismatchError);
      expect(error).toMatchObject({ code: 'LLM_SCHEMA', schemaName: 'verdict', content: '{"verdict":"approve","confidence":7}' });
      expect((error as Error).message).toMatch(/^the answer did not match the "verdict" schema, even after asking again: .*confidence/);
      expect((calls[1]?.body['messages'] as { content: string }[])[3]?.content).toMatch(/verdict: /);
      expect(calls).toHaveLength(2);
    });
  });

  describe('bad input', () => {
    it('rejects missing options with TypeErrors naming the value', () => {
      expect(() => createLlmClient(undefined as unknown as LlmClientOptions)).toThrow(new TypeError('Expected `options` to be an object, got `undefined` (undefined)'));
      expect(() => createLlmClient({ provider: {} as ProviderConfig })).toThrow(/Expected `options.provider` to be a ProviderConfig/);
      expect(() => createLlmClient({ provider: provider(), timeoutMs: -1 })).toThrow(new TypeError('Expected `timeoutMs` to be a positive number of milliseconds, got `-1` (number)'));
    });

    it('rejects a request without a model when the provider has none', async () => {
      const { fetch } = scriptedFetch(ok('a'));
      const llm = createLlmClient({ provider: provider({ model: undefined }), fetch });
      await expect(llm.chat({ messages })).rejects.toThrow(/Expected `request.model` to be a string/);
    });
  });
});

function createClientWithRealTime(fetch: typeof globalThis.fetch, options: Partial<LlmClientOptions> = {}) {
  return { llm: createLlmClient({ provider: provider(), fetch, random: () => 0, ...options }) };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !predicate(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!predicate()) throw new Error('condition never became true');
}
