import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import OpenAI, { APIConnectionError, AuthenticationError, NotFoundError } from 'openai';
import { WhiteboxError } from '@whitebox/core';
import type { SimLog } from './request-log.js';
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

const ask = (client: OpenAI, content: string, options?: OpenAI.RequestOptions) =>
  client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'You are the judge, be brief.' }, { role: 'user', content }] }, options);

describe(startLlmSim, () => {
  it('listens on 127.0.0.1 on a free port and reports url and baseURL', async () => {
    const { sim } = await start();
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.baseURL).toBe(`${sim.url}/v1`);
  });

  it('logs each request with timing, tokens, persona and system snippet', async () => {
    let now = 1_000;
    const { sim, client } = await start({ clock: () => now, script: { personas: [{ name: 'judge' }] } });
    const reply = await ask(client, 'Ship it?');
    now += 5;
    await client.models.list();
    const { requests } = sim.log();
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-4o',
      persona: 'judge',
      system: 'You are the judge, be brief.',
      user: 'Ship it?',
      status: 200,
      startedAt: 1_000,
      finishedAt: 1_000,
      durationMs: 0,
      stream: false,
      tokens: { prompt: reply.usage?.prompt_tokens, completion: reply.usage?.completion_tokens, total: reply.usage?.total_tokens },
      fault: null,
      cancelled: false,
    });
    expect(requests[0]?.id).toBe(reply._request_id);
    expect(requests[1]).toMatchObject({ method: 'GET', path: '/v1/models', model: null, startedAt: 1_005 });
  });

  it('records the concurrency high-water mark of calls slowed by a latency script', async () => {
    const { sim, client } = await start({ script: { rules: [{ respond: { delayMs: 1000 } }] } });
    const calls = Array.from({ length: 6 }, (_, i) => ask(client, `q${i}`));
    await vi.waitFor(() => expect(sim.log().inFlight).toBe(6));
    await Promise.all(calls);
    const log = sim.log();
    expect(log.highWaterMark).toBe(6);
    expect(log.inFlight).toBe(0);
    expect(log.requests.map((entry) => entry.latencyMs)).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
  });

  it('lists calls cancelled by client disconnect, and reset() clears the log', async () => {
    const { sim, client } = await start({ script: { rules: [{ respond: { fault: 'hang' } }] } });
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const calls = controllers.map((c, i) => ask(client, `q${i}`, { signal: c.signal }).catch((e: unknown) => e));
    await vi.waitFor(() => expect(sim.log().inFlight).toBe(3));
    for (const c of controllers) c.abort();
    await Promise.all(calls);
    await vi.waitFor(() => expect(sim.log().cancelled).toHaveLength(3));
    expect(sim.log().highWaterMark).toBe(3);
    sim.reset();
    expect(sim.log()).toEqual({ requests: [], inFlight: 0, highWaterMark: 0, cancelled: [] } satisfies SimLog);
  });

  it('serves the log, reset and script over /__sim, without logging those calls', async () => {
    const { sim, client } = await start();
    await ask(client, 'one');
    const log = (await (await fetch(`${sim.url}/__sim/log`)).json()) as SimLog;
    expect(log.requests).toHaveLength(1);
    expect(log).toEqual(sim.log());

    const bad = await fetch(`${sim.url}/__sim/script`, { method: 'POST', body: JSON.stringify({ rules: [{ respond: { error: { status: 99 } } }] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('POST /__sim/script: rules[0].respond');

    const loaded = await fetch(`${sim.url}/__sim/script`, { method: 'POST', body: JSON.stringify({ rules: [{ respond: { content: 'runtime' } }] }) });
    expect(await loaded.json()).toEqual({ ok: true, rules: 1 });
    expect((await ask(client, 'two')).choices[0]?.message.content).toBe('runtime');
    expect(await (await fetch(`${sim.url}/__sim/script`)).json()).toEqual({ rules: [{ respond: { content: 'runtime' } }] });

    expect(await (await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).json()).toEqual({ ok: true });
    expect(sim.log().requests).toHaveLength(0);
    expect((await fetch(`${sim.url}/__sim/nope`)).status).toBe(404);
  });

  it('lists the default models and those the script names, and retrieves one', async () => {
    const { client } = await start({ script: { latency: { models: { 'local-llama': 5 } }, rules: [{ match: { model: 'judge-model' }, respond: {} }] } });
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'o4-mini', 'local-llama', 'judge-model']);
    expect(await client.models.retrieve('anything')).toEqual({ id: 'anything', object: 'model', created: 1_700_000_000, owned_by: 'llm-sim' });
  });

  it('answers unknown routes with 404 in OpenAI error shape', async () => {
    const { client } = await start();
    const error = await client.get('/embeddings').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('Invalid URL (GET /v1/embeddings)');
  });

  it('accepts only the configured API keys and masks the wrong one', async () => {
    const { sim, client } = await start({ apiKeys: ['sk-good-key-123'] });
    const error = await ask(client, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'invalid_api_key' });
    expect((error as Error).message).toContain('****');
    const good = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-good-key-123', maxRetries: 0 });
    await expect(ask(good, 'x')).resolves.toBeDefined();
  });

  it('loads a script file and names the file and field when it is invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llm-sim-'));
    try {
      const good = join(dir, 'good.json');
      await writeFile(good, JSON.stringify({ seed: 4, rules: [{ respond: { content: 'from file' } }] }));
      const { client } = await start({ script: good });
      expect((await ask(client, 'x')).choices[0]?.message.content).toBe('from file');

      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify({ rules: [{ respond: [{ content: 'a' }, { delayMs: -1 }] }] }));
      const error = await startLlmSim({ script: bad }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WhiteboxError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toContain(`${bad}: rules[0].respond[1].delayMs:`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with a TypeError naming the value', async () => {
    await expect(startLlmSim({ port: -1 })).rejects.toThrow('Expected `port` to be an integer from 0 to 65535, got -1 (number)');
    await expect(startLlmSim({ seed: 1.5 })).rejects.toThrow('Expected `seed` to be a safe integer, got 1.5 (number)');
    await expect(startLlmSim({ timeScale: 0 })).rejects.toThrow('Expected `timeScale` to be a number > 0, got 0 (number)');
    await expect(startLlmSim({ latency: { type: 'bogus' } as never })).rejects.toThrow(TypeError);
    await expect(startLlmSim({ faults: { '429': 0.7, '500': 0.6 } })).rejects.toThrow('at most 1');
    await expect(startLlmSim({ faults: { '418': 0.1 } as never })).rejects.toThrow(TypeError);
    await expect(startLlmSim({ rpm: -3 })).rejects.toThrow('Expected `rpm` to be a positive number, got -3 (number)');
    await expect(startLlmSim({ script: { rules: 'none' } as never })).rejects.toThrow('options.script: rules:');
    await expect(startLlmSim(null as never)).rejects.toThrow('Expected `options` to be an object, got null (object)');
  });

  it('closes cleanly with a hung request in flight, and close() is idempotent', async () => {
    const sim = await startLlmSim({ script: { rules: [{ respond: { fault: 'hang' } }] } });
    const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0 });
    const pending = ask(client, 'x').catch((e: unknown) => e);
    await vi.waitFor(() => expect(sim.log().inFlight).toBe(1));
    await Promise.all([sim.close(), sim.close()]);
    expect(await pending).toBeInstanceOf(APIConnectionError);
    await expect(fetch(`${sim.url}/__sim/log`)).rejects.toThrow();
  });
});
