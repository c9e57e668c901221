import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BatchStore } from './batch-store.js';
import type { BatchTiming } from './batch-store.js';
import { ChatEngine } from './chat-engine.js';
import { FILE_PURPOSES, FileStore } from './file-store.js';
import { handleChatCompletion } from './handle-chat-completion.js';
import type { ChatCall, ChatContext } from './handle-chat-completion.js';
import { HttpError, parseJsonBody, parseMultipart, readBody, sendError, sendJson } from './http-io.js';
import { createIdFactory } from './id-factory.js';
import { latencyModelSchema } from './latency-model.js';
import type { LatencyModel } from './latency-model.js';
import { createRateLimiter } from './rate-limiter.js';
import { RequestLog } from './request-log.js';
import type { SimLog, SimLogEntry } from './request-log.js';
import { faultRatesSchema, loadSimScript, parseSimScript } from './sim-script.js';
import type { FaultRates, SimScript } from './sim-script.js';

/** Options for {@link startLlmSim}. Every field is optional; the defaults give a fast, fault-free provider. */
export interface LlmSimOptions {
  /** The port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** The interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Makes every run repeatable: content, latency samples, fault rolls, ids and batch output order. @default script.seed ?? 0 */
  readonly seed?: number;
  /** A script, or the path of a JSON script file. @default no rules */
  readonly script?: SimScript | string;
  /** The latency of calls no rule, persona or model entry covers. Overrides the script's `latency.default`. @default 0 ms */
  readonly latency?: LatencyModel;
  /** The pause between streamed content chunks. @default script.chunkDelayMs ?? 0 */
  readonly chunkDelayMs?: number;
  /** Fault rates by kind (`{ '429': 0.2, hang: 0.01 }`); they replace the script's `faults`. @default none */
  readonly faults?: FaultRates;
  /** Corrupt every `json_object`/`json_schema` answer, to test parse-failure paths. @default script.invalidJson ?? false */
  readonly invalidJson?: boolean;
  /** The wait that injected 429s advertise (`retry-after-ms`, and `retry-after` rounded up to seconds). @default 1000 */
  readonly retryAfterMs?: number;
  /** Requests per minute per API key; every response carries the `x-ratelimit-*-requests` headers. @default unlimited */
  readonly rpm?: number;
  /** Tokens per minute per API key; every response carries the `x-ratelimit-*-tokens` headers. @default unlimited */
  readonly tpm?: number;
  /** When set, other bearer keys get 401 `invalid_api_key`. @default any key is accepted */
  readonly apiKeys?: readonly string[];
  /** What `GET /v1/models` lists, besides models the script names. @default ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'o4-mini'] */
  readonly models?: readonly string[];
  /** Milliseconds since the epoch; inject one to drive rate limits and batches from a test. @default Date.now */
  readonly clock?: () => number;
  /** How much faster than `clock` simulated batch time runs. @default 1 */
  readonly timeScale?: number;
  /** Batch phase durations and limits, in simulated ms. */
  readonly batch?: BatchTiming;
  /** Larger request bodies get 413. @default 210 MB */
  readonly maxBodyBytes?: number;
  /** Called with each finished request's log entry, for live logging. */
  readonly onRequest?: (entry: SimLogEntry) => void;
}

/** A running simulator. */
export interface LlmSim {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  /** `${url}/v1`: what `new OpenAI({ baseURL })` wants. */
  readonly baseURL: string;
  readonly port: number;
  /** A snapshot of the request log (the same as `GET /__sim/log`). */
  log(): SimLog;
  /** Clears the log, sequences, rate-limit buckets, files and batches; keeps the script. */
  reset(): void;
  /** Replaces the script (validated) and resets sequences. */
  setScript(script: SimScript): void;
  /** Stops listening and destroys every connection, hung ones included. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'o4-mini'];

/**
 * Starts an OpenAI-compatible simulator on 127.0.0.1 (port 0 by default).
 *
 * @throws TypeError for bad options, WhiteboxError `CONFIG_INVALID`/`IO` for a bad script.
 * @example
 * const sim = await startLlmSim({ seed: 1, latency: { type: 'fixed', ms: 50 } });
 * const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-test', maxRetries: 0 });
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
 * console.log(sim.log().requests.length); // 1
 * await sim.close();
 */
export async function startLlmSim(options: LlmSimOptions = {}): Promise<LlmSim> {
  const opts = validateOptions(options);
  const script =
    typeof options.script === 'string' ? await loadSimScript(options.script) : parseSimScript(options.script ?? {}, 'options.script');
  const seed = opts.seed ?? script.seed ?? 0;
  const clock = options.clock ?? Date.now;
  const timeScale = opts.timeScale ?? 1;
  const epoch = clock();
  const simNow = (): number => epoch + (clock() - epoch) * timeScale;

  const ids = createIdFactory(seed);
  const engine = new ChatEngine({
    seed,
    script,
    latency: opts.latency,
    chunkDelayMs: opts.chunkDelayMs,
    faults: opts.faults,
    invalidJson: options.invalidJson,
    retryAfterMs: opts.retryAfterMs ?? 1000,
  });
  const limiter = createRateLimiter({ rpm: options.rpm, tpm: options.tpm, clock });
  const log = new RequestLog();
  const files = new FileStore(ids, () => Math.floor(simNow() / 1000));
  const batches = new BatchStore({ engine, files, ids, simNow, timing: options.batch ?? {} });
  const apiKeys = options.apiKeys ? new Set(options.apiKeys) : null;
  const closing = new AbortController();
  // Every request in flight listens for shutdown; hundreds at once is the point of a load simulator.
  setMaxListeners(0, closing.signal);
  const chat: ChatContext = { engine, limiter, ids, clock, maxBodyBytes: opts.maxBodyBytes ?? 210 * 1024 * 1024 };

  const reset = (): void => {
    log.reset();
    engine.reset();
    limiter.reset();
    files.clear();
    batches.clear();
  };
  const setScript = (next: SimScript): void => engine.setScript(parseSimScript(next, 'script'));
  const models = (): string[] => {
    const named = [
      ...Object.keys(engine.script.latency?.models ?? {}),
      ...(engine.script.rules ?? []).flatMap((rule) => (typeof rule.match?.model === 'string' ? [rule.match.model] : [])),
    ];
    return [...new Set([...(options.models ?? DEFAULT_MODELS), ...named])];
  };

  const handleSim = async (req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> => {
    if (method === 'GET' && path === '/__sim/log') return sendJson(res, 200, log.snapshot());
    if (method === 'POST' && path === '/__sim/reset') {
      reset();
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'GET' && path === '/__sim/script') return sendJson(res, 200, engine.script);
    if (method === 'POST' && path === '/__sim/script') {
      const value = parseJsonBody(await readBody(req, chat.maxBodyBytes));
      try {
        engine.setScript(parseSimScript(value, 'POST /__sim/script'));
      } catch (error) {
        throw new HttpError(400, { message: (error as Error).message });
      }
      return sendJson(res, 200, { ok: true, rules: engine.script.rules?.length ?? 0 });
    }
    throw new HttpError(404, { message: `Invalid URL (${method} ${path})` });
  };

  const handleApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    path: string,
    call: ChatCall,
  ): Promise<void> => {
    if (method === 'POST' && path === '/v1/chat/completions') return handleChatCompletion(chat, call, req, res);
    for (const [name, value] of Object.entries(limiter.headers(call.apiKey))) res.setHeader(name, value);
    const segments = path.split('/').slice(2).map(decodeURIComponent);
    const [resource, id, sub, extra] = segments;
    if (resource === 'models' && method === 'GET' && extra === undefined && sub === undefined) {
      const model = (name: string): Record<string, unknown> => ({ id: name, object: 'model', created: 1_700_000_000, owned_by: 'llm-sim' });
      return sendJson(res, 200, id === undefined ? { object: 'list', data: models().map(model) } : model(id));
    }
    if (resource === 'files' && extra === undefined) {
      if (method === 'POST' && id === undefined) return sendJson(res, 200, uploadFile(files, req, await readBody(req, chat.maxBodyBytes)));
      if (method === 'GET' && id === undefined) {
        const data = files.list(url.searchParams.get('purpose') ?? undefined);
        return sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
      }
      if (method === 'GET' && id !== undefined && sub === undefined) return sendJson(res, 200, files.get(id));
      if (method === 'DELETE' && id !== undefined && sub === undefined) return sendJson(res, 200, files.delete(id));
      if (method === 'GET' && id !== undefined && sub === 'content') {
        const data = files.content(id);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
        res.end(data);
        return;
      }
    }
    if (resource === 'batches' && extra === undefined) {
      if (method === 'POST' && id === undefined) return sendJson(res, 200, batches.create(parseJsonBody(await readBody(req, chat.maxBodyBytes))));
      if (method === 'GET' && id === undefined) {
        const limit = Number(url.searchParams.get('limit') ?? 20);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
          throw new HttpError(400, { message: `Invalid 'limit': expected an integer from 1 to 100, got ${url.searchParams.get('limit')}.`, param: 'limit' });
        }
        return sendJson(res, 200, batches.list(limit, url.searchParams.get('after') ?? undefined));
      }
      if (method === 'GET' && id !== undefined && sub === undefined) return sendJson(res, 200, batches.retrieve(id));
      if (method === 'POST' && id !== undefined && sub === 'cancel') return sendJson(res, 200, batches.cancel(id));
    }
    throw new HttpError(404, { message: `Invalid URL (${method} ${path})` });
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://llm-sim');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path.startsWith('/__sim/')) {
      try {
        await handleSim(req, res, method, path);
      } catch (error) {
        answerError(res, error);
      }
      return;
    }

    const id = ids.next('req_', 32, true);
    res.setHeader('x-request-id', id);
    const draft = log.start({ id, method, path, startedAt: clock() });
    const controller = new AbortController();
    const onClosing = (): void => controller.abort();
    closing.signal.addEventListener('abort', onClosing, { once: true });
    let closedByServer = false;
    res.on('close', () => {
      closing.signal.removeEventListener('abort', onClosing);
      draft.status = res.headersSent ? res.statusCode : null;
      draft.cancelled = !res.writableFinished && !closedByServer && !closing.signal.aborted;
      controller.abort();
      const entry = log.finish(draft, clock());
      options.onRequest?.(entry);
    });
    const apiKey = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
    try {
      if (apiKeys && !apiKeys.has(apiKey)) {
        throw new HttpError(401, {
          message: apiKey
            ? `Incorrect API key provided: ${maskKey(apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`
            : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          code: apiKey ? 'invalid_api_key' : null,
        });
      }
      const call: ChatCall = { draft, apiKey, signal: controller.signal, closedByServer: () => void (closedByServer = true) };
      await handleApi(req, res, url, method, path, call);
    } catch (error) {
      answerError(res, error);
    }
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void onRequest(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    baseURL: `${url}/v1`,
    port: address.port,
    log: () => log.snapshot(),
    reset,
    setScript,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      })),
  };
}

function answerError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendError(res, error.status, error.fields);
    return;
  }
  sendError(res, 500, { message: `llm-sim internal error: ${(error as Error)?.message ?? String(error)}` });
}

function maskKey(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}****${key.slice(-4)}`;
}

function uploadFile(files: FileStore, req: IncomingMessage, body: Buffer): unknown {
  const parts = parseMultipart(body, req.headers['content-type']);
  const file = parts.find((part) => part.name === 'file');
  const purpose = parts.find((part) => part.name === 'purpose')?.data.toString('utf8');
  if (!file) throw new HttpError(400, { message: "Missing required parameter: 'file'.", param: 'file', code: 'missing_required_parameter' });
  if (purpose === undefined) {
    throw new HttpError(400, { message: "Missing required parameter: 'purpose'.", param: 'purpose', code: 'missing_required_parameter' });
  }
  if (!(FILE_PURPOSES as readonly string[]).includes(purpose) || purpose === 'batch_output') {
    throw new HttpError(400, {
      message: `Invalid value for 'purpose': expected one of ${FILE_PURPOSES.filter((p) => p !== 'batch_output').join(', ')}, got '${purpose}'.`,
      param: 'purpose',
    });
  }
  return files.create(file.filename ?? 'upload', purpose, Buffer.from(file.data));
}

interface ValidatedOptions {
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly seed?: number | undefined;
  readonly latency?: LatencyModel | undefined;
  readonly chunkDelayMs?: number | undefined;
  readonly faults?: FaultRates | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly timeScale?: number | undefined;
  readonly maxBodyBytes?: number | undefined;
}

function validateOptions(options: LlmSimOptions): ValidatedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${String(options)} (${typeof options})`);
  }
  const check = (name: string, value: unknown, ok: (v: number) => boolean, expected: string): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !ok(value)) {
      throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${String(value)} (${typeof value})`);
    }
    return value;
  };
  const nonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;
  if (options.host !== undefined && typeof options.host !== 'string') {
    throw new TypeError(`Expected \`host\` to be a string, got ${String(options.host)} (${typeof options.host})`);
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new TypeError(`Expected \`clock\` to be a function returning ms, got ${String(options.clock)} (${typeof options.clock})`);
  }
  let latency: LatencyModel | undefined;
  if (options.latency !== undefined) {
    const parsed = latencyModelSchema.safeParse(options.latency);
    if (!parsed.success) {
      throw new TypeError(`Expected \`latency\` to be a latency model such as { type: 'fixed', ms: 100 }, got ${JSON.stringify(options.latency)} (${typeof options.latency})`);
    }
    latency = parsed.data;
  }
  let faults: FaultRates | undefined;
  if (options.faults !== undefined) {
    const parsed = faultRatesSchema.safeParse(options.faults);
    if (!parsed.success) {
      throw new TypeError(
        `Expected \`faults\` to map fault kinds to rates in [0, 1] adding up to at most 1, got ${JSON.stringify(options.faults)}: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    faults = parsed.data;
  }
  return {
    port: check('port', options.port, (v) => Number.isInteger(v) && v >= 0 && v <= 65_535, 'an integer from 0 to 65535'),
    host: options.host,
    seed: check('seed', options.seed, Number.isSafeInteger, 'a safe integer'),
    latency,
    chunkDelayMs: check('chunkDelayMs', options.chunkDelayMs, nonNegative, 'a number ≥ 0'),
    faults,
    retryAfterMs: check('retryAfterMs', options.retryAfterMs, nonNegative, 'a number ≥ 0'),
    timeScale: check('timeScale', options.timeScale, (v) => Number.isFinite(v) && v > 0, 'a number > 0'),
    maxBodyBytes: check('maxBodyBytes', options.maxBodyBytes, (v) => Number.isInteger(v) && v > 0, 'an integer > 0'),
  };
}
