import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpFetch } from './create-http-fetch.js';
import type { HttpFetch } from './create-http-fetch.js';

let server: Server;
let base: string;
let client: HttpFetch;
let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;

beforeEach(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createHttpFetch();
});
afterEach(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe(createHttpFetch, () => {
  it('sends method, headers and body, and returns status, headers and body like fetch', async () => {
    handler = (req, body, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '7' });
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body: JSON.parse(body) as unknown }));
    };
    const response = await client.fetch(`${base}/v1/chat`, {
      method: 'POST',
      headers: new Headers({ Authorization: 'Bearer k', 'content-type': 'application/json' }),
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('7');
    expect(await response.json()).toEqual({ method: 'POST', auth: 'Bearer k', body: { a: 1 } });
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const ports = new Set<number>();
    handler = (req, _body, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('ok');
    };
    for (let i = 0; i < 5; i++) expect(await (await client.fetch(`${base}/`)).text()).toBe('ok');
    expect(ports.size).toBe(1);
  });

  it('gives a 204 a null body', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(204);
      res.end();
    };
    const response = await client.fetch(`${base}/`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('rejects with the signal reason when aborted, and at once when already aborted', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = client.fetch(`${base}/hang`, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await expect(client.fetch(`${base}/`, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
  });

  it('rejects a reset connection with a TypeError whose cause is the socket error, as undici does', async () => {
    handler = (req) => req.socket.resetAndDestroy();
    const error = await client.fetch(`${base}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  it('hands form data and streaming requests to globalThis.fetch', async () => {
    handler = (req, body, res) => res.end(`${req.headers['content-type'] ?? ''}|${body.includes('"stream":true') ? 'stream' : ''}`);
    const form = new FormData();
    form.append('purpose', 'batch');
    expect(await (await client.fetch(`${base}/`, { method: 'POST', body: form })).text()).toMatch(/^multipart\/form-data/);
    // undici labels a string body text/plain; the node:http path sends no content-type of its own.
    expect(await (await client.fetch(`${base}/`, { method: 'POST', body: '{"stream":true}' })).text()).toBe('text/plain;charset=UTF-8|stream');
    expect(await (await client.fetch(`${base}/`, { method: 'POST', body: '{"stream":false}' })).text()).toBe('|');
  });
});
