import { timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import { mergeHookResults, parseHookInput, perfLogPath, WhiteboxError } from '@whitebox/core';
import type { CpuPool } from '@whitebox/parallel-core';
import { executeEvent } from './execute-event.js';
import { COMMAND_REPLY_HEADER, DEFAULT_SERVER_PORT } from './executor-constants.js';
import { hookPerfRecords, recordHookTimings } from './hook-perf-records.js';
import { httpReply } from './http-reply.js';
import { loadExecutorConfig } from './load-executor-config.js';
import type { LoadedExecutorConfig } from './load-executor-config.js';
import { hookEnvironment } from './hook-environment.js';
import { createModuleHookLoader } from './run-module-hook.js';
import { createWarmShellPool } from './warm-shell-pool.js';
import type { ExecutorConfig } from './executor-config.js';

export { DEFAULT_SERVER_PORT };

/** The default largest request body: Claude Code's inputs carry tool results, which can be big. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Options for {@link startHookServer}. */
export interface HookServerOptions {
  /** The config file to serve; reloaded when it changes. */
  readonly configPath: string;
  /** The project directory: `CLAUDE_PROJECT_DIR` for hooks, and where timing records go. */
  readonly projectDir: string;
  /** The bearer token every request but `/healthz` must carry. */
  readonly token: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default DEFAULT_SERVER_PORT; 0 picks a free port */
  readonly port?: number;
  /** Listen on this unix socket instead of TCP. */
  readonly socket?: string;
  /** @default DEFAULT_MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
  /** The environment hooks inherit; `CLAUDE_PROJECT_DIR` is set to `projectDir`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Diagnostics (reloads, config errors). @default nothing */
  readonly log?: (line: string) => void;
  /**
   * Shells kept started for command hooks (see `createWarmShellPool`): `'auto'` keeps as many as
   * the event with the most command hooks has, up to 64; 0 spawns every hook on demand.
   * @default 'auto'
   */
  readonly warmShells?: number | 'auto';
}

/** A running server. */
export interface HookServer {
  /** `http://host:port` for TCP; undefined on a unix socket. */
  readonly url: string | undefined;
  /** The TCP port, when on TCP. */
  readonly port: number | undefined;
  /** The socket path, when on a unix socket. */
  readonly socket: string | undefined;
  /** Requests currently being handled. */
  readonly inFlight: number;
  /** How many times the config was reloaded after a change. */
  readonly reloads: number;
  /**
   * Stops accepting connections, waits up to `graceMs` for requests in flight, then cancels what
   * still runs (killing its hooks), closes the CPU pool and resolves. Safe to call twice.
   */
  close(options?: { readonly graceMs?: number }): Promise<void>;
}

const NON_JSON_TYPES = /^\s*(?:multipart\/|application\/x-www-form-urlencoded|application\/octet-stream|text\/html|application\/xml|text\/xml)/i;

interface ConfigState {
  readonly loaded: LoadedExecutorConfig;
  readonly key: string;
}

/**
 * Starts the resident hook server for Claude Code's `type: "http"` hooks:
 * `POST /hooks/<Event>` with the hook input as the body returns the merged result as JSON (blocks
 * as JSON decisions, since http hooks have no exit code), or, with the `x-hook-executor-reply:
 * command` header that `run` sends when forwarding, `{ exitCode, stdout, stderr }`.
 * `GET /healthz` answers `{ "ok": true }` without a token.
 *
 * - Every other request needs `Authorization: Bearer <token>`; without it the answer is 401.
 * - Bodies that are not JSON get 400, form, multipart, XML or binary content types 415, bodies over
 *   `maxBodyBytes` 413.
 * - Module hooks load once and stay warm; `cpu: true` hooks share one warm worker pool.
 * - The config file is checked on every request and reloaded when it changed; an invalid new
 *   version is reported and the last good one kept.
 * - A hook that fails, hangs or crashes never takes the server down.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` when the config cannot be loaded at start.
 */
export async function startHookServer(options: HookServerOptions): Promise<HookServer> {
  const log = options.log ?? (() => {});
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const expectedAuth = Buffer.from(`Bearer ${options.token}`);
  const loader = createModuleHookLoader({ reloadOnChange: true });
  // The server's project, not whatever CLAUDE_PROJECT_DIR the shell that started it had.
  const hookBaseEnv = { ...(options.env ?? process.env), CLAUDE_PROJECT_DIR: options.projectDir };
  let config: ConfigState = { loaded: await loadExecutorConfig(options.configPath, { missingOk: true }), key: statKey(options.configPath) };
  for (const warning of config.loaded.warnings) log(`warning: ${warning}`);
  const warmShellCount = (loaded: ExecutorConfig): number =>
    options.warmShells === undefined || options.warmShells === 'auto' ? autoWarmShells(loaded) : options.warmShells;
  const shells = createWarmShellPool({
    size: warmShellCount(config.loaded.config),
    env: hookEnvironment({ base: hookBaseEnv, projectDir: options.projectDir }),
    cwd: options.projectDir,
  });
  let reloads = 0;
  let reloading: Promise<void> | undefined;
  let pool: Promise<CpuPool> | undefined;
  const active = new Set<AbortController>();
  let closing: Promise<void> | undefined;

  const cpuPool = (): Promise<CpuPool> => {
    pool ??= import('./create-module-hook-pool.js').then(({ createModuleHookPool }) =>
      createModuleHookPool({ threads: Math.max(1, Math.min(2, availableParallelism())) }),
    );
    return pool;
  };

  const currentConfig = async (): Promise<LoadedExecutorConfig> => {
    const key = statKey(options.configPath);
    if (key !== config.key) {
      reloading ??= (async () => {
        try {
          const loaded = await loadExecutorConfig(options.configPath, { missingOk: true });
          config = { loaded, key };
          shells.resize(warmShellCount(loaded.config));
          reloads++;
          log(`reloaded ${options.configPath}`);
          for (const warning of loaded.warnings) log(`warning: ${warning}`);
        } catch (error) {
          // Keep serving the last good config; remember the bad key so it is reported once.
          config = { loaded: config.loaded, key };
          log(`kept the previous config: ${(error as Error).message}`);
        }
      })().finally(() => {
        reloading = undefined;
      });
      await reloading;
    }
    return config.loaded;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'use GET' }, { allow: 'GET, HEAD' });
      return send(res, closing ? 503 : 200, { ok: closing === undefined });
    }
    const match = /^\/hooks\/([^/]+)$/.exec(url.pathname);
    if (match === null) return send(res, 404, { error: `no route ${url.pathname}; POST /hooks/<Event> or GET /healthz` });
    if (!authorized(req.headers.authorization, expectedAuth)) {
      return send(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    if (closing) return send(res, 503, { error: 'shutting down' });
    const contentType = req.headers['content-type'];
    // The body parse is the real check; a form or multipart upload is refused before reading it.
    if (contentType !== undefined && NON_JSON_TYPES.test(contentType)) {
      return send(res, 415, { error: `expected a JSON body, got content-type ${contentType}` });
    }
    const event = decodeURIComponent(match[1] as string);
    const commandReply = req.headers[COMMAND_REPLY_HEADER] === 'command';

    const body = await readBody(req, maxBodyBytes);
    if (body === 'too-large') return send(res, 413, { error: `body larger than ${maxBodyBytes} bytes` }, { connection: 'close' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return send(res, 400, { error: `body is not JSON: ${(error as Error).message}` });
    }

    const loaded = await currentConfig();
    const block = loaded.config.events[event];
    const failClosed = block !== undefined && (block.onError === 'block' || block.hooks.some((hook) => hook.onError === 'block'));
    let input: Record<string, unknown>;
    try {
      input = parseHookInput(parsed, { event }) as unknown as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof WhiteboxError)) throw error;
      const message = `hook-executor: ${error.message}`;
      if (commandReply) return send(res, 200, { exitCode: failClosed ? 2 : 1, stdout: '', stderr: `${message}\n` });
      if (!failClosed) return send(res, 400, { error: message });
      const blocked = mergeHookResults(event, [{ id: 'hook-executor', exitCode: 2, stdout: '', stderr: message, durationMs: 0, timedOut: false, failedToStart: false }]);
      const reply = httpReply(blocked);
      return send(res, reply.status, reply.body);
    }
    const controller = new AbortController();
    active.add(controller);
    // A client that goes away (Claude Code's own timeout) cancels its hooks.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      const result = await executeEvent({
        config: loaded.config,
        configDir: loaded.dir,
        event,
        input,
        inputText: body,
        projectDir: options.projectDir,
        env: hookBaseEnv,
        cwd: usableCwd(input['cwd'], options.projectDir),
        signal: controller.signal,
        loader,
        cpuPool,
        warmShell: shells.take,
      });
      if (!controller.signal.aborted) {
        const { merged } = result;
        if (commandReply) send(res, 200, { exitCode: merged.exitCode, stdout: merged.stdout, stderr: merged.stderr });
        else {
          const reply = httpReply(merged);
          send(res, reply.status, reply.body);
        }
      }
      // Between requests: spawning costs this thread a millisecond per shell.
      setImmediate(() => shells.refill());
      // After the answer, so the append never adds to Claude Code's wait. Synchronous and one write
      // per event: measured against an async append (more work per event, on the event loop) and
      // a batch every 100 ms (a stall of a few ms each time), it keeps the tail latency lowest.
      if (loaded.config.timings !== false) {
        const problem = recordHookTimings(perfLogPath(options.projectDir), hookPerfRecords(result, { input, runner: 'executor-server' }));
        if (problem !== undefined) log(problem);
      }
    } finally {
      active.delete(controller);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  // Claude Code opens a connection per hook call; keep-alive beyond a few seconds only holds sockets.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (options.socket !== undefined) server.listen(options.socket, done);
    else server.listen(options.port ?? DEFAULT_SERVER_PORT, options.host ?? '127.0.0.1', done);
  });
  const address = server.address();
  const tcp = typeof address === 'object' && address !== null ? (address as AddressInfo) : undefined;
  const host = options.host ?? '127.0.0.1';
  shells.refill();

  return {
    url: tcp ? `http://${host.includes(':') ? `[${host}]` : host}:${tcp.port}` : undefined,
    port: tcp?.port,
    socket: options.socket,
    get inFlight() {
      return active.size;
    },
    get reloads() {
      return reloads;
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const graceMs = closeOptions.graceMs ?? 10_000;
        const deadline = Date.now() + graceMs;
        while (active.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        for (const controller of active) controller.abort();
        server.closeAllConnections();
        await stopped;
        shells.close();
        if (pool !== undefined) await (await pool.catch(() => undefined))?.destroy();
      })();
      return closing;
    },
  };
}

/** One warm shell per command hook of the busiest event, so that an event never forks. */
function autoWarmShells(config: ExecutorConfig): number {
  const counts = Object.values(config.events).map((block) => block?.hooks.filter((hook) => hook.command !== undefined).length ?? 0);
  return Math.min(64, Math.max(0, ...counts));
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads the body up to `limit` bytes; past it, stops reading and answers 'too-large'. */
function readBody(req: IncomingMessage, limit: number): Promise<string | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// Synchronous on purpose: one stat of a local file takes microseconds, a trip through the thread
// pool a good part of a warm event's budget.
function statKey(file: string): string {
  try {
    const info = statSync(file);
    return `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Claude Code runs hooks in its current directory, which the input's `cwd` names. */
function usableCwd(cwd: unknown, fallback: string): string {
  if (typeof cwd !== 'string' || cwd === '') return fallback;
  try {
    return statSync(cwd).isDirectory() ? cwd : fallback;
  } catch {
    return fallback;
  }
}
