import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, createLlmClient, resolveProvider } from '@whitebox/core';
import type { LlmClient } from '@whitebox/core';
import { askPersonas } from './ask-personas.js';
import type { PersonaEvent } from './ask-personas.js';
import { OracleReportSchema } from './oracle-report.js';
import type { Verdict } from './oracle-report.js';
import type { Persona } from './persona.js';
import { createResponseCache } from './response-cache.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'oracle-ask-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Call {
  readonly persona: string;
  readonly body: Record<string, unknown>;
  readonly signal: AbortSignal | undefined;
}

type Answer = Verdict | { status: number } | 'hang';

const PERSONA_BY_PROMPT: [RegExp, string][] = [
  [/judge/, 'judge'],
  [/critic/, 'critic'],
  [/skeptic/, 'skeptic'],
  [/^You are DBA/, 'dba'],
];

/** A fetch that answers each persona (recognised by its system prompt) as told, after `barrier` requests have arrived. */
function personaFetch(answers: Record<string, Answer>, barrier = 0) {
  const calls: Call[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  if (barrier === 0) release();
  const fetch = (async (_input: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { model: string; messages: { role: string; content: string }[] };
    const system = body.messages[0]?.content ?? '';
    const persona = PERSONA_BY_PROMPT.find(([pattern]) => pattern.test(system))?.[1] ?? 'unknown';
    calls.push({ persona, body, signal: init?.signal ?? undefined });
    if (calls.length === barrier) release();
    const signal = init?.signal;
    const aborted = new Promise<never>((_resolve, reject) =>
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true }),
    );
    await Promise.race([released, aborted]);
    const answer = answers[persona];
    if (answer === 'hang' || answer === undefined) return aborted;
    if ('status' in answer) {
      return new Response(JSON.stringify({ error: { message: `status ${answer.status}` } }), { status: answer.status, headers: { 'content-type': 'application/json' } });
    }
    return new Response(
      JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer) }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const verdict = (kind: Verdict['verdict'], confidence: number): Verdict => ({
  verdict: kind,
  confidence,
  summary: `${kind} it`,
  reasons: [`because ${kind}`],
  risks: [],
});

async function clientFor(fetch: typeof globalThis.fetch, model: string | null = 'gpt-4o-mini'): Promise<LlmClient> {
  const provider = await resolveProvider({ cwd: dir, env: { OPENAI_BASE_URL: 'http://llm.test/v1', ...(model ? { WHITEBOX_MODEL: model } : {}) }, requireModel: false });
  return createLlmClient({ provider, fetch, retry: { maxAttempts: 1 } });
}

describe(askPersonas, () => {
  it('asks every persona at once and aggregates their verdicts', async () => {
    // The answers are held back until all three requests have arrived: asked one by one, this would never finish.
    const { fetch, calls } = personaFetch({ judge: verdict('approve', 0.9), critic: verdict('revise', 0.6), skeptic: verdict('reject', 0.8) }, 3);
    const events: PersonaEvent['type'][] = [];
    const report = await askPersonas('Move the cache to Redis', ['judge', 'critic', 'skeptic'], {
      client: await clientFor(fetch),
      stream: false,
      onEvent: (event) => events.push(event.type),
    });

    expect(OracleReportSchema.parse(report)).toEqual(report);
    expect(calls.map((call) => call.persona).sort()).toEqual(['critic', 'judge', 'skeptic']);
    expect(report.results.map((result) => [result.persona, result.status])).toEqual([
      ['judge', 'answered'],
      ['critic', 'answered'],
      ['skeptic', 'answered'],
    ]);
    expect(report.aggregate).toMatchObject({ answered: 3, failed: 0, decision: 'approve', tally: { approve: 1, revise: 1, reject: 1 } });
    expect(report.usage).toEqual({ promptTokens: 300, completionTokens: 150, totalTokens: 450, estimated: false });
    expect(report.costUsd).toBeCloseTo(3 * (100 * 0.15 + 50 * 0.6) / 1e6, 12);
    expect(events.filter((type) => type === 'start')).toHaveLength(3);
    expect(events.filter((type) => type === 'done')).toHaveLength(3);

    const judgeCall = calls.find((call) => call.persona === 'judge');
    expect(judgeCall?.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      response_format: { type: 'json_schema', json_schema: { name: 'verdict', strict: true } },
    });
    expect((judgeCall?.body['messages'] as { content: string }[])[1]?.content).toBe('Proposal:\n\nMove the cache to Redis');
  });

  it('reports a failed persona by name with its error and still counts the others', async () => {
    const { fetch } = personaFetch({ judge: verdict('approve', 0.9), critic: { status: 401 }, skeptic: verdict('approve', 0.5) });
    const report = await askPersonas('p', ['judge', 'critic', 'skeptic'], { client: await clientFor(fetch), stream: false });
    expect(report.results[1]).toEqual({
      persona: 'critic',
      model: 'gpt-4o-mini',
      status: 'failed',
      error: { code: 'PROVIDER', status: 401, message: expect.stringMatching(/401 status 401 \(not retried\)$/) },
      attempts: 1,
      durationMs: expect.any(Number),
    });
    expect(report.aggregate).toMatchObject({ answered: 2, failed: 1, decision: 'approve', consensusLabel: 'unanimous' });
  });

  it('fails a persona that runs past the timeout and keeps the others', async () => {
    const { fetch, calls } = personaFetch({ judge: verdict('approve', 0.9), skeptic: 'hang' });
    const report = await askPersonas('p', ['judge', 'skeptic'], { client: await clientFor(fetch), stream: false, timeoutMs: 100 });
    expect(report.results[0]).toMatchObject({ persona: 'judge', status: 'answered' });
    expect(report.results[1]).toMatchObject({ persona: 'skeptic', status: 'failed', error: { code: 'TIMEOUT', message: expect.stringMatching(/no complete response within the call's 100 ms deadline/) } });
    expect(calls.find((call) => call.persona === 'skeptic')?.signal?.aborted).toBe(true);
  });

  it('uses a persona\'s own model and temperature over the defaults', async () => {
    const { fetch, calls } = personaFetch({ dba: verdict('revise', 0.7), judge: verdict('revise', 0.7) });
    const dba: Persona = { name: 'dba', description: 'd', systemPrompt: 'You are DBA.', model: 'gpt-4.1', temperature: 0, source: 'test' };
    const report = await askPersonas('p', [dba, 'judge'], { client: await clientFor(fetch), stream: false, model: 'gpt-4o' });
    expect(calls.find((call) => call.persona === 'dba')?.body).toMatchObject({ model: 'gpt-4.1', temperature: 0 });
    expect(calls.find((call) => call.persona === 'judge')?.body).toMatchObject({ model: 'gpt-4o' });
    expect(report.results.map((result) => result.model)).toEqual(['gpt-4.1', 'gpt-4o']);
  });

  it('answers from the cache without calling the provider, and does not count cached cost', async () => {
    const { fetch, calls } = personaFetch({ judge: verdict('approve', 0.9) });
    const client = await clientFor(fetch);
    const cache = createResponseCache({ dir });
    const first = await askPersonas('p', ['judge'], { client, stream: false, cache });
    expect(first.results[0]).toMatchObject({ cached: false, calls: 1 });
    expect(calls).toHaveLength(1);

    const second = await askPersonas('p', ['judge'], { client, stream: false, cache });
    expect(calls).toHaveLength(1);
    expect(second.results[0]).toMatchObject({ status: 'answered', cached: true, calls: 0, attempts: 0, verdict: verdict('approve', 0.9) });
    expect(second.usage.totalTokens).toBe(0);
    expect(second.costUsd).toBe(0);

    await askPersonas('another proposal', ['judge'], { client, stream: false, cache });
    expect(calls).toHaveLength(2);
  });

  it('aborts the requests in flight and rejects with the signal\'s reason', async () => {
    const { fetch, calls } = personaFetch({ judge: 'hang', critic: 'hang' });
    const controller = new AbortController();
    const reason = new AbortedError('Interrupted (SIGINT)');
    const pending = askPersonas('p', ['judge', 'critic'], {
      client: await clientFor(fetch),
      stream: false,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'start' && event.persona === 'critic') setImmediate(() => controller.abort(reason));
      },
    });
    await expect(pending).rejects.toBe(reason);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(2);
    expect(calls.every((call) => call.signal?.aborted)).toBe(true);
  });

  it('rejects bad input with errors that name the value', async () => {
    const client = await clientFor(personaFetch({}).fetch);
    await expect(askPersonas('  ', ['judge'], { client })).rejects.toThrow(new TypeError('Expected `proposal` to be a non-empty string, got `  ` (string)'));
    await expect(askPersonas('p', [], { client })).rejects.toThrow(/Expected `personas` to be a non-empty array/);
    await expect(askPersonas('p', ['jugde'], { client })).rejects.toThrow(/built-in name \(judge, critic, .*got `jugde` \(string\)/);
    await expect(askPersonas('p', ['judge', 'judge'], { client })).rejects.toThrow('Expected persona names to be unique, got "judge" twice');
    await expect(askPersonas('p', ['judge'], {} as never)).rejects.toThrow(/Expected `options.client` to be an LlmClient/);
    await expect(askPersonas('p', ['judge'], { client, timeoutMs: 0 })).rejects.toThrow(/Expected `timeoutMs`/);
    const noModel = await clientFor(personaFetch({}).fetch, null);
    await expect(askPersonas('p', ['judge'], { client: noModel })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/persona "judge" names no model and no default model is configured/),
    });
  });
});
