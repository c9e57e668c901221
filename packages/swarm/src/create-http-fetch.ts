import http from 'node:http';
import https from 'node:https';

/** A `fetch` on keep-alive `node:http` agents, with {@link HttpFetch.close} to release its sockets. */
export interface HttpFetch {
  /** Same contract as `globalThis.fetch` for buffered requests and responses. */
  readonly fetch: typeof globalThis.fetch;
  /** Closes idle sockets; later requests open new ones. */
  close(): void;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function headerList(headers: RequestInit['headers']): [string, string][] {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return [...headers.entries()];
  if (Array.isArray(headers)) return headers.map(([name, value]) => [String(name), String(value)]);
  return Object.entries(headers as Record<string, string>).map(([name, value]) => [name, String(value)]);
}

function responseHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/**
 * Creates a `fetch` built on `node:http`/`node:https` keep-alive agents, for many small JSON
 * requests. Undici's `fetch` costs about three times the CPU per request and keeps every request's
 * objects alive past a garbage collection (through a FinalizationRegistry), which at a few hundred
 * requests a second grows the heap by a hundred megabytes of garbage; swarm sends 100,000 of them.
 *
 * Bodies must be strings or bytes and responses are buffered whole, so it suits request/response
 * APIs such as Chat Completions without `stream`. Anything else (form data, streamed bodies,
 * `stream: true` requests) goes to `globalThis.fetch`.
 */
export function createHttpFetch(): HttpFetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  const httpFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    const url = new URL(input instanceof Request ? input.url : String(input));
    const streaming = typeof body === 'string' && body.includes('"stream":true');
    if (input instanceof Request || !simpleBody || streaming || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return globalThis.fetch(input, init);
    }
    const { signal } = init;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const payload = body === undefined || body === null ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    const headers: Record<string, string> = {};
    for (const [name, value] of headerList(init.headers)) headers[name.toLowerCase()] = value;
    if (payload !== undefined) headers['content-length'] = String(payload.byteLength);

    return new Promise<Response>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(url, { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('close', () => {
          if (!response.complete) fail(new Error('the connection closed before the response was complete'));
        });
        response.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const status = response.statusCode ?? 0;
          resolve(
            new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
              status,
              statusText: response.statusMessage ?? '',
              headers: responseHeaders(response.rawHeaders),
            }),
          );
        });
      });
      function fail(error: unknown): void {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(signal.reason);
        // The shape undici gives a network failure, which the openai SDK turns into APIConnectionError.
        else reject(new TypeError('fetch failed', { cause: error }));
      }
      function onAbort(): void {
        request.destroy();
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', fail);
      request.end(payload);
    });
  };

  return {
    fetch: httpFetch as typeof globalThis.fetch,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
