import { afterEach, describe, expect, it } from 'vitest';
import OpenAI, { BadRequestError, NotFoundError, toFile } from 'openai';
import { BatchStore } from './batch-store.js';
import { startLlmSim } from './start-llm-sim.js';
import type { LlmSim, LlmSimOptions } from './start-llm-sim.js';

const sims: LlmSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

/** A simulator whose clock the test moves; with timeScale 1000, 1 ms of test time is 1 s of batch time. */
async function start(options: LlmSimOptions = {}) {
  const clock = { now: 1_700_000_000_000 };
  const sim = await startLlmSim({ timeScale: 1000, clock: () => clock.now, ...options });
  sims.push(sim);
  const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0 });
  /** Moves simulated batch time forward by `seconds`. */
  const advance = (seconds: number): void => {
    clock.now += seconds;
  };
  return { sim, client, advance };
}

function requestLine(customId: string, user = `question ${customId}`): string {
  return JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: user }] },
  });
}

async function upload(client: OpenAI, lines: readonly string[], purpose: 'batch' | 'assistants' = 'batch') {
  return client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'input.jsonl'), purpose });
}

interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; body: { choices: { message: { content: string } }[] } } | null;
  error: { code: string; message: string } | null;
}

async function readLines(client: OpenAI, fileId: string | null | undefined): Promise<OutputLine[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutputLine);
}

describe('files', () => {
  it('uploads multipart with purpose=batch, then retrieves metadata and content, lists and deletes', async () => {
    const { client } = await start();
    const lines = [requestLine('a'), requestLine('b')];
    const file = await upload(client, lines);
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'input.jsonl', status: 'processed', bytes: Buffer.byteLength(`${lines.join('\n')}\n`) });
    expect(file.id).toMatch(/^file-/);
    expect(await client.files.retrieve(file.id)).toEqual(file);
    expect(await (await client.files.content(file.id)).text()).toBe(`${lines.join('\n')}\n`);
    const listed = await client.files.list({ purpose: 'batch' });
    expect(listed.data.map((f) => f.id)).toEqual([file.id]);
    expect(await client.files.delete(file.id)).toEqual({ id: file.id, object: 'file', deleted: true });
    await expect(client.files.retrieve(file.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses an upload without a valid purpose', async () => {
    const { sim } = await start();
    const form = new FormData();
    form.append('file', new Blob(['{}\n']), 'x.jsonl');
    form.append('purpose', 'batch_output');
    const response = await fetch(`${sim.baseURL}/files`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { param: 'purpose', message: expect.stringContaining("got 'batch_output'") } });
    const missing = new FormData();
    missing.append('purpose', 'batch');
    const noFile = await fetch(`${sim.baseURL}/files`, { method: 'POST', body: missing });
    expect(await noFile.json()).toMatchObject({ error: { param: 'file', code: 'missing_required_parameter' } });
  });
});

describe(BatchStore, () => {
  it('walks validating → in_progress → finalizing → completed in simulated time, with shuffled but complete output', async () => {
    const { client, advance } = await start({ seed: 3 });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const file = await upload(client, ids.map((id) => requestLine(id)));
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { run: 'x' } });
    expect(batch).toMatchObject({ object: 'batch', status: 'validating', request_counts: { total: 0, completed: 0, failed: 0 }, metadata: { run: 'x' } });
    expect(batch.expires_at).toBe((batch.created_at ?? 0) + 86_400);

    advance(5 + 2.5); // validating lasts 5 s, then each request 1 s
    const running = await client.batches.retrieve(batch.id);
    expect(running).toMatchObject({ status: 'in_progress', request_counts: { total: 6, completed: 2, failed: 0 }, output_file_id: null });
    expect(running.in_progress_at).toBe(batch.created_at + 5);

    advance(4);
    expect((await client.batches.retrieve(batch.id)).status).toBe('finalizing');
    advance(5);
    const done = await client.batches.retrieve(batch.id);
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 6, completed: 6, failed: 0 }, error_file_id: null });
    expect(done.completed_at).toBe(batch.created_at + 5 + 6 + 5);
    expect(done.usage?.total_tokens).toBeGreaterThan(0);

    const output = await readLines(client, done.output_file_id);
    const order = output.map((line) => line.custom_id);
    expect([...order].sort()).toEqual(ids);
    expect(order).not.toEqual(ids);
    for (const line of output) {
      expect(line).toMatchObject({ response: { status_code: 200, body: { object: 'chat.completion', model: 'gpt-4o-mini' } }, error: null });
      expect(line.id).toMatch(/^batch_req_/);
    }
    // The output file is made once; reading again returns the same file.
    expect((await client.batches.retrieve(batch.id)).output_file_id).toBe(done.output_file_id);
  });

  it('shuffles the same way for the same seed', async () => {
    const orderFor = async (): Promise<unknown[]> => {
      const { client, advance } = await start({ seed: 9, batch: { validatingMs: 0, requestMs: 0, finalizingMs: 0 } });
      const file = await upload(client, ['1', '2', '3', '4', '5', '6', '7', '8'].map((id) => requestLine(id)));
      const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      advance(1);
      return (await readLines(client, (await client.batches.retrieve(batch.id)).output_file_id)).map((line) => line.custom_id);
    };
    const first = await orderFor();
    expect(await orderFor()).toEqual(first);
  });

  it('runs lines through the chat engine: scripts answer them and errors go to the error file', async () => {
    const { client, advance } = await start({
      script: {
        rules: [
          { match: { user: 'fail me' }, respond: { error: { status: 500 } } },
          { match: { user: 'scripted' }, respond: { content: 'from the script' } },
        ],
      },
    });
    const file = await upload(client, [requestLine('ok', 'scripted'), requestLine('bad', 'fail me'), requestLine('also-ok', 'scripted')]);
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    advance(60);
    const done = await client.batches.retrieve(batch.id);
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 } });
    const output = await readLines(client, done.output_file_id);
    expect(output.map((line) => line.response?.body.choices[0]?.message.content)).toEqual(['from the script', 'from the script']);
    const errors = await readLines(client, done.error_file_id);
    expect(errors).toEqual([
      expect.objectContaining({ custom_id: 'bad', response: expect.objectContaining({ status_code: 500, body: { error: expect.objectContaining({ type: 'server_error' }) } }) }),
    ]);
  });

  it('fails a batch whose input file has invalid lines, listing them', async () => {
    const { client, advance } = await start();
    const file = await upload(client, [requestLine('a'), '{oops', requestLine('a'), JSON.stringify({ custom_id: 'c', method: 'POST', url: '/v1/embeddings', body: {} })]);
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(batch.status).toBe('validating');
    advance(5);
    const failed = await client.batches.retrieve(batch.id);
    expect(failed).toMatchObject({ status: 'failed', failed_at: batch.created_at + 5, output_file_id: null, request_counts: { total: 0 } });
    expect(failed.errors?.data).toEqual([
      { code: 'invalid_json_line', message: expect.any(String), param: null, line: 2 },
      { code: 'duplicate_custom_id', message: expect.stringContaining("'a'"), param: 'custom_id', line: 3 },
      { code: 'mismatched_url', message: expect.stringContaining('/v1/embeddings'), param: 'url', line: 4 },
    ]);
  });

  it('fails a batch over the request limit', async () => {
    const { client, advance } = await start({ batch: { maxRequests: 2 } });
    const file = await upload(client, ['a', 'b', 'c'].map((id) => requestLine(id)));
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    advance(10);
    expect((await client.batches.retrieve(batch.id)).errors?.data?.[0]).toMatchObject({ code: 'too_many_requests' });
  });

  it('expires when the completion window passes first, keeping finished lines and reporting the rest', async () => {
    const { client, advance } = await start({ batch: { requestMs: 3_600_000 } });
    const ids = Array.from({ length: 30 }, (_, i) => `line-${i}`);
    const file = await upload(client, ids.map((id) => requestLine(id)));
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    advance(23 * 3600);
    expect((await client.batches.retrieve(batch.id)).status).toBe('in_progress');
    advance(3600);
    const expired = await client.batches.retrieve(batch.id);
    // 5 s of validation leaves room for 23 one-hour requests in 24 h.
    expect(expired).toMatchObject({ status: 'expired', expired_at: batch.created_at + 86_400, request_counts: { total: 30, completed: 23, failed: 7 } });
    const output = await readLines(client, expired.output_file_id);
    const errors = await readLines(client, expired.error_file_id);
    expect(output).toHaveLength(23);
    expect(errors).toHaveLength(7);
    expect(errors.every((line) => line.error?.code === 'batch_expired' && line.response === null)).toBe(true);
    expect([...output, ...errors].map((line) => line.custom_id).sort()).toEqual([...ids].sort());
  });

  it('cancels through cancelling → cancelled, keeping the lines finished before the cancel', async () => {
    const { client, advance } = await start();
    const file = await upload(client, ['a', 'b', 'c', 'd', 'e'].map((id) => requestLine(id)));
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    advance(7.5);
    const cancelling = await client.batches.cancel(batch.id);
    expect(cancelling).toMatchObject({ status: 'cancelling', cancelling_at: batch.created_at + 7 });
    advance(4);
    expect((await client.batches.retrieve(batch.id)).status).toBe('cancelling');
    advance(1);
    const cancelled = await client.batches.retrieve(batch.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', request_counts: { total: 5, completed: 2, failed: 0 } });
    expect((await readLines(client, cancelled.output_file_id)).map((line) => line.custom_id).sort()).toEqual(['a', 'b']);
    const again = await client.batches.cancel(batch.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(BadRequestError);
    expect((again as Error).message).toContain("Cannot cancel a batch with status 'cancelled'");
  });

  it('lists batches newest first with cursor pagination', async () => {
    const { client } = await start();
    const file = await upload(client, [requestLine('a')]);
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }));
    const page = await client.batches.list({ limit: 2 });
    expect(page.data.map((b) => b.id)).toEqual([created[2]?.id, created[1]?.id]);
    expect(page.hasNextPage()).toBe(true);
    const all = [];
    for await (const b of client.batches.list({ limit: 2 })) all.push(b.id);
    expect(all).toEqual(created.map((b) => b.id).reverse());
  });

  it('rejects unknown files, wrong purposes, unsupported endpoints and bad windows', async () => {
    const { client } = await start();
    await expect(client.batches.create({ input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toBeInstanceOf(NotFoundError);
    const wrongPurpose = await upload(client, [requestLine('a')], 'assistants');
    await expect(client.batches.create({ input_file_id: wrongPurpose.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toThrow(
      "purpose 'assistants'",
    );
    const file = await upload(client, [requestLine('a')]);
    await expect(client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' })).rejects.toThrow('/v1/chat/completions');
    await expect(client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: 'soon' as '24h' })).rejects.toMatchObject({
      status: 400,
      param: 'completion_window',
    });
    await expect(client.batches.retrieve('batch_nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
