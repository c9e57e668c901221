import { afterEach, describe, expect, it, vi } from 'vitest';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { estimatePromptTokens, estimateTokens } from './estimate-tokens.js';
import { handleChatCompletion } from './handle-chat-completion.js';
import { startLlmSim } from './start-llm-sim.js';
import type { LlmSim, LlmSimOptions } from './start-llm-sim.js';

const sims: LlmSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function start(options: LlmSimOptions = {}): Promise<{ sim: LlmSim; client: OpenAI }> {
  const sim = await startLlmSim(options);
  sims.push(sim);
  return { sim, client: new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0 }) };
}

const messages = [
  { role: 'system' as const, content: 'You are the judge.' },
  { role: 'user' as const, content: 'Should we ship the cache?' },
];

const Verdict = z.object({
  verdict: z.enum(['approve', 'revise', 'reject']),
  confidence: z.number().min(0).max(1),
  summary: z.string(),
  reasons: z.array(z.string()).min(1),
  risks: z.array(z.string()),
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe(handleChatCompletion, () => {
  describe('non-streaming', () => {
    it('answers in the chat.completion shape with usage estimated at 4 characters per token', async () => {
      const { client } = await start({ seed: 1 });
      const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
      expect(data).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini', system_fingerprint: 'fp_llmsim' });
      expect(data.id).toMatch(/^chatcmpl-/);
      const [choice] = data.choices;
      expect(choice).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } });
      const content = choice?.message.content ?? '';
      expect(content.length).toBeGreaterThan(10);
      const prompt = estimatePromptTokens(messages.map((m) => m.content));
      expect(data.usage).toMatchObject({
        prompt_tokens: prompt,
        completion_tokens: estimateTokens(content),
        total_tokens: prompt + estimateTokens(content),
      });
      expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      expect(response.headers.get('content-type')).toBe('application/json');
    });

    it('stops at max_tokens with finish_reason length', async () => {
      const { client } = await start({ script: { rules: [{ respond: { content: 'x'.repeat(400) } }] } });
      const data = await client.chat.completions.create({ model: 'm', messages, max_completion_tokens: 5 });
      expect(data.choices[0]?.finish_reason).toBe('length');
      expect(data.choices[0]?.message.content).toBe('x'.repeat(20));
      expect(data.usage?.completion_tokens).toBe(5);
    });

    it('answers a malformed request with 400 and the parameter at fault', async () => {
      const { sim, client } = await start();
      const error = await rejection(client.chat.completions.create({ model: 'gpt-4o' } as never));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ status: 400, param: 'messages', code: 'missing_required_parameter', type: 'invalid_request_error' });
      expect((error as Error).message).toContain("Missing required parameter: 'messages'.");

      const raw = await fetch(`${sim.baseURL}/chat/completions`, { method: 'POST', body: '{not json' });
      expect(raw.status).toBe(400);
      expect(await raw.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('could not parse the JSON body') } });
    });
  });

  describe('streaming', () => {
    it('sends a role delta, content deltas, a finish_reason chunk, then the usage chunk and [DONE]', async () => {
      const { client } = await start({ seed: 2 });
      const full = await client.chat.completions.create({ model: 'gpt-4o', messages });
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]?.id)).toBe(true);
      expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
      const finish = chunks.at(-2);
      expect(finish?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      const usageChunk = chunks.at(-1);
      expect(usageChunk?.choices).toEqual([]);
      expect(usageChunk?.usage).toEqual(full.usage);
      expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe(full.choices[0]?.message.content);
      expect(chunks.slice(1, -2).every((c) => c.choices[0]?.finish_reason === null && (c.choices[0]?.delta.content ?? '').length > 0)).toBe(true);
    });

    it('omits usage without include_usage and ends the raw SSE body with data: [DONE]', async () => {
      const { sim } = await start();
      const response = await fetch(`${sim.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
      });
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const body = await response.text();
      expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
      const frames = body.split('\n\n').filter(Boolean).slice(0, -1).map((frame) => JSON.parse(frame.slice('data: '.length)));
      expect(frames.some((frame) => 'usage' in frame)).toBe(false);
      expect(frames.at(-1).choices[0].finish_reason).toBe('stop');
    });
  });

  describe('response_format', () => {
    it('answers json_schema with content valid against the schema, which parse() accepts', async () => {
      const { client } = await start({ seed: 3 });
      for (const user of ['one', 'two', 'three', 'four', 'five']) {
        const result = await client.chat.completions.parse({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: user }],
          response_format: zodResponseFormat(Verdict, 'verdict'),
        });
        const parsed = result.choices[0]?.message.parsed;
        expect(Verdict.safeParse(parsed).success).toBe(true);
      }
    });

    it('generates the same JSON for the same seed and different JSON for another seed', async () => {
      const ask = async (seed: number): Promise<string[]> => {
        const { client } = await start({ seed });
        const answers: string[] = [];
        for (const user of ['a', 'b']) {
          const r = await client.chat.completions.create({
            model: 'gpt-4o',
            messages: [{ role: 'user', content: user }],
            response_format: zodResponseFormat(Verdict, 'verdict'),
          });
          answers.push(r.choices[0]?.message.content ?? '');
        }
        return answers;
      };
      const first = await ask(7);
      expect(await ask(7)).toEqual(first);
      expect(await ask(8)).not.toEqual(first);
    });

    it('answers json_object with a JSON object', async () => {
      const { client } = await start();
      const r = await client.chat.completions.create({ model: 'gpt-4o', messages, response_format: { type: 'json_object' } });
      const value: unknown = JSON.parse(r.choices[0]?.message.content ?? '');
      expect(value).toEqual({ answer: expect.any(String) });
    });

    it('returns invalid JSON when the switch is on, for JSON formats only', async () => {
      const { sim, client } = await start({ invalidJson: true });
      const r = await client.chat.completions.create({ model: 'gpt-4o', messages, response_format: { type: 'json_object' } });
      expect(() => JSON.parse(r.choices[0]?.message.content ?? '')).toThrow(SyntaxError);
      await expect(
        client.chat.completions.parse({ model: 'gpt-4o', messages, response_format: zodResponseFormat(Verdict, 'verdict') }),
      ).rejects.toThrow(SyntaxError);
      const text = await client.chat.completions.create({ model: 'gpt-4o', messages });
      expect(text.choices[0]?.message.content).toMatch(/\.$/);
      expect(sim.log().requests.map((entry) => entry.fault)).toEqual(['invalid-json', 'invalid-json', null]);
    });

    it('answers 400 on response_format when the schema cannot be satisfied', async () => {
      const { client } = await start();
      const error = await rejection(
        client.chat.completions.create({
          model: 'gpt-4o',
          messages,
          response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { $ref: '#/$defs/Nope' } }, required: ['a'] } } },
        }),
      );
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ param: 'response_format', code: 'invalid_json_schema' });
    });
  });

  describe('scripts', () => {
    it('matches rules on model, system text (regex) and user text, first match wins', async () => {
      const { sim, client } = await start({
        script: {
          rules: [
            { name: 'critic', match: { system: { regex: '^you are the CRITIC', flags: 'i' } }, respond: { content: 'critic says no' } },
            { name: 'mini', match: { model: 'mini', user: 'cache' }, respond: { content: 'mini and cache' } },
            { name: 'mini-any', match: { model: 'mini' }, respond: { json: { ok: true } } },
          ],
        },
      });
      const ask = async (model: string, system: string, user: string): Promise<string | null | undefined> =>
        (await client.chat.completions.create({ model, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] }))
          .choices[0]?.message.content;
      expect(await ask('gpt-4o-mini', 'You are the critic.', 'the cache')).toBe('critic says no');
      expect(await ask('gpt-4o-mini', 'You are the judge.', 'the cache')).toBe('mini and cache');
      expect(await ask('gpt-4o-mini', 'You are the judge.', 'other')).toBe('{"ok":true}');
      const unmatched = await ask('gpt-4o', 'You are the judge.', 'other');
      expect(unmatched).not.toMatch(/critic|mini|ok/);
      expect(sim.log().requests.map((entry) => entry.rule)).toEqual(['critic', 'mini', 'mini-any', null]);
    });

    it('walks a sequence across calls, then repeats the last step, cycles or falls through', async () => {
      const { client } = await start({
        script: {
          rules: [
            { match: { user: 'repeat' }, respond: [{ error: { status: 500 } }, { content: 'second' }, { content: 'third' }] },
            { match: { user: 'cycle' }, then: 'cycle', respond: [{ content: 'A' }, { content: 'B' }] },
            { match: { user: 'fall' }, then: 'fall-through', respond: [{ content: 'once' }] },
            { match: { user: 'fall' }, respond: { content: 'afterwards' } },
          ],
        },
      });
      const ask = async (user: string): Promise<string> => {
        try {
          return (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: user }] })).choices[0]?.message.content ?? '';
        } catch (error) {
          return `error ${(error as APIError).status}`;
        }
      };
      const seen: string[] = [];
      for (const user of ['repeat', 'repeat', 'repeat', 'repeat', 'cycle', 'cycle', 'cycle', 'fall', 'fall', 'fall']) seen.push(await ask(user));
      expect(seen).toEqual(['error 500', 'second', 'third', 'third', 'A', 'B', 'A', 'once', 'afterwards', 'afterwards']);
    });

    it('applies latency from the step, the rule, the persona, the model and the default, in that order', async () => {
      const { sim, client } = await start({
        latency: { type: 'fixed', ms: 1 },
        script: {
          latency: { models: { 'slow-model': { type: 'fixed', ms: 7 } } },
          personas: [
            { name: 'judge', latency: { type: 'fixed', ms: 5 } },
            { name: 'skeptic', match: 'doubt everything', latency: { type: 'uniform', minMs: 10, maxMs: 20 } },
          ],
          rules: [
            { match: { user: 'step' }, respond: { delayMs: 30 }, latency: 9 },
            { match: { user: 'rule' }, respond: {}, latency: { type: 'normal', meanMs: 12, stdDevMs: 0 } },
          ],
        },
      });
      const ask = (system: string, user: string, model = 'gpt-4o') =>
        client.chat.completions.create({ model, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] });
      await ask('You are the Judge.', 'step');
      await ask('You are the Judge.', 'rule');
      await ask('You are the Judge.', 'x');
      await ask('You doubt everything.', 'x');
      await ask('plain', 'x', 'slow-model');
      await ask('plain', 'x');
      const log = sim.log().requests;
      expect(log.map((entry) => entry.latencyMs).filter((_, i) => i !== 3)).toEqual([30, 12, 5, 7, 1]);
      expect(log[3]?.latencyMs).toBeGreaterThanOrEqual(10);
      expect(log[3]?.latencyMs).toBeLessThanOrEqual(20);
      expect(log.map((entry) => entry.persona)).toEqual(['judge', 'judge', 'judge', 'skeptic', null, null]);
      expect(log[0]?.durationMs).toBeGreaterThanOrEqual(25);
    });

    it('samples seeded latency models identically across runs', async () => {
      const latencies = async (): Promise<number[]> => {
        const { sim, client } = await start({ seed: 11, latency: { type: 'normal', meanMs: 20, stdDevMs: 10 } });
        for (const user of ['a', 'b', 'c', 'd']) await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: user }] });
        return sim.log().requests.map((entry) => entry.latencyMs);
      };
      const first = await latencies();
      expect(new Set(first).size).toBeGreaterThan(1);
      expect(await latencies()).toEqual(first);
    });
  });

  describe('faults', () => {
    it('answers 429 with retry-after and retry-after-ms as the SDK sees them', async () => {
      const { client } = await start({
        script: {
          rules: [
            { match: { user: 'seconds' }, respond: { error: { status: 429, retryAfter: 2 } } },
            { match: { user: 'millis' }, respond: { error: { status: 429, retryAfterMs: 250 } } },
          ],
        },
      });
      const seconds = await rejection(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'seconds' }] }));
      expect(seconds).toBeInstanceOf(RateLimitError);
      expect(seconds).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
      expect((seconds as RateLimitError).headers.get('retry-after')).toBe('2');
      const millis = await rejection(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'millis' }] }));
      expect((millis as RateLimitError).headers.get('retry-after-ms')).toBe('250');
    });

    it('answers 408, 500 and 503 in OpenAI error shape', async () => {
      const { client } = await start({
        script: { rules: [{ respond: [{ error: { status: 408 } }, { error: { status: 500 } }, { error: { status: 503, message: 'queue full' } }] }] },
      });
      const errors = [];
      for (let i = 0; i < 3; i++) errors.push(await rejection(client.chat.completions.create({ model: 'm', messages })));
      expect(errors[0]).toBeInstanceOf(APIError);
      expect(errors[0]).toMatchObject({ status: 408, type: 'timeout' });
      expect(errors[1]).toBeInstanceOf(InternalServerError);
      expect(errors[1]).toMatchObject({ status: 500, type: 'server_error', code: null, param: null });
      expect(errors[2]).toMatchObject({ status: 503, message: '503 queue full' });
    });

    it('answers 400 and 401, which the SDK does not retry, while it retries 500', async () => {
      const { sim } = await start({
        script: {
          rules: [
            { match: { user: '400' }, respond: { error: { status: 400, retryAfterMs: 0 } } },
            { match: { user: '401' }, respond: { error: { status: 401, retryAfterMs: 0 } } },
            { match: { user: '500' }, respond: { error: { status: 500, retryAfterMs: 0 } } },
          ],
        },
      });
      const retrying = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 2 });
      const ask = (user: string) => rejection(retrying.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: user }] }));
      expect(await ask('400')).toBeInstanceOf(BadRequestError);
      const unauthorized = await ask('401');
      expect(unauthorized).toBeInstanceOf(AuthenticationError);
      expect(unauthorized).toMatchObject({ code: 'invalid_api_key' });
      expect(await ask('500')).toBeInstanceOf(InternalServerError);
      expect(sim.log().requests.map((entry) => entry.user)).toEqual(['400', '401', '500', '500', '500']);
    });

    it('sets x-should-retry, which overrides the SDK default both ways', async () => {
      const { sim } = await start({
        script: {
          rules: [
            { match: { user: 'force' }, respond: [{ error: { status: 400, shouldRetry: true, retryAfterMs: 0 } }, { content: 'ok' }] },
            { match: { user: 'forbid' }, respond: { error: { status: 503, shouldRetry: false } } },
          ],
        },
      });
      const retrying = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 1 });
      const forced = await retrying.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'force' }] });
      expect(forced.choices[0]?.message.content).toBe('ok');
      const forbidden = await rejection(retrying.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'forbid' }] }));
      expect((forbidden as APIError).headers?.get('x-should-retry')).toBe('false');
      expect(sim.log().requests.map((entry) => `${entry.user}:${entry.status}`)).toEqual(['force:400', 'force:200', 'forbid:503']);
    });

    it('hangs until the client times out, and logs the call as cancelled by the client', async () => {
      const { sim, client } = await start({ script: { rules: [{ respond: { fault: 'hang' } }] } });
      const error = await rejection(client.chat.completions.create({ model: 'm', messages }, { timeout: 200 }));
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      await vi.waitFor(() => expect(sim.log().cancelled).toHaveLength(1));
      expect(sim.log().cancelled[0]).toMatchObject({ fault: 'hang', status: null, cancelled: true, tokens: { completion: 0 } });
      expect(sim.log().inFlight).toBe(0);
    });

    it('resets the connection, which the SDK reports as a connection error', async () => {
      const { sim, client } = await start({ script: { rules: [{ respond: { fault: 'reset' } }] } });
      const error = await rejection(client.chat.completions.create({ model: 'm', messages }));
      expect(error).toBeInstanceOf(APIConnectionError);
      expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
      await vi.waitFor(() => expect(sim.log().requests).toHaveLength(1));
      expect(sim.log().requests[0]).toMatchObject({ fault: 'reset', status: null, cancelled: false });
    });

    it('cuts a stream after N chunks without [DONE] and logs the partial tokens', async () => {
      const { sim, client } = await start({ script: { rules: [{ match: { model: 'm' }, respond: { fault: 'cut', afterChunks: 3 } }] } });
      const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
      let text = '';
      const error = await rejection(
        (async () => {
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        })(),
      );
      expect(error).toBeInstanceOf(Error);
      const full = await client.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'x' }] });
      expect(full.choices[0]?.message.content?.length).toBeGreaterThan(12);
      expect(text.length).toBe(12);
      await vi.waitFor(() => expect(sim.log().requests.some((entry) => entry.fault === 'cut')).toBe(true));
      expect(sim.log().requests[0]).toMatchObject({ fault: 'cut', status: 200, stream: true, cancelled: false, tokens: { completion: 3 } });
    });

    it('cuts a non-streamed body half-way, which the SDK reports as an error', async () => {
      const { sim, client } = await start({ script: { rules: [{ respond: { fault: 'cut' } }] } });
      const error = await rejection(client.chat.completions.create({ model: 'm', messages }));
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(APIError);
      await vi.waitFor(() => expect(sim.log().requests).toHaveLength(1));
      expect(sim.log().requests[0]).toMatchObject({ fault: 'cut', status: 200, cancelled: false });
    });

    it('sends an error event mid-stream, which the SDK throws as APIError', async () => {
      const { client } = await start({ script: { rules: [{ respond: { fault: 'stream-error', afterChunks: 2 } }] } });
      const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
      const error = await rejection(
        (async () => {
          for await (const _ of stream) void _;
        })(),
      );
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).message).toContain('The server had an error');
    });

    it('logs a stream the client abandons as cancelled, with the completion tokens already sent', async () => {
      const { sim, client } = await start({ chunkDelayMs: 20, script: { rules: [{ respond: { content: 'word'.repeat(100) } }] } });
      const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
      let received = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received++;
        if (received === 5) break;
      }
      await vi.waitFor(() => expect(sim.log().cancelled).toHaveLength(1));
      const [entry] = sim.log().cancelled;
      expect(entry?.tokens.completion).toBeGreaterThanOrEqual(5);
      expect(entry?.tokens.completion).toBeLessThan(100);
      expect(entry).toMatchObject({ stream: true, status: 200, fault: null });
    });

    it('injects faults by rate, repeatably for a seed', async () => {
      const outcomes = async (): Promise<string[]> => {
        const { client } = await start({ seed: 5, faults: { '429': 0.3, '503': 0.2 }, retryAfterMs: 1500 });
        const seen: string[] = [];
        for (let i = 0; i < 30; i++) {
          try {
            await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `q${i}` }] });
            seen.push('ok');
          } catch (error) {
            const e = error as APIError;
            seen.push(e.status === 429 ? `429:${e.headers?.get('retry-after-ms')}:${e.headers?.get('retry-after')}` : String(e.status));
          }
        }
        return seen;
      };
      const first = await outcomes();
      expect(new Set(first)).toEqual(new Set(['ok', '429:1500:2', '503']));
      expect(await outcomes()).toEqual(first);
    });

    it('rolls again for a retried identical request, so retries can succeed', async () => {
      const { sim } = await start({ seed: 1, faults: { '429': 0.5 }, retryAfterMs: 0 });
      const retrying = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 10 });
      for (let i = 0; i < 3; i++) await retrying.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `r${i}` }] });
      const statuses = sim.log().requests.map((entry) => entry.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses).toContain(429);
    });
  });
});
