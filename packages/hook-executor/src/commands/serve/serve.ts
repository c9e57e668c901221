import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { WhiteboxError } from '@whitebox/core';
import { EXECUTOR_CONFIG_RELATIVE_PATH } from '../../executor-constants.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_SERVER_PORT, startHookServer } from '../../hook-server.js';
import { loadExecutorConfig } from '../../load-executor-config.js';
import { ensureToken } from '../../ensure-token.js';
import { readServerState, removeServerState, serverPaths, TOKEN_ENV_VAR, writeServerState } from '../../server-state.js';

/** Options of `hook-executor serve`. */
export interface ServeOptions {
  readonly config?: string | undefined;
  readonly projectDir?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly socket?: string | undefined;
  readonly tokenFile?: string | undefined;
  readonly maxBodyBytes?: number | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Runs the resident server until SIGINT or SIGTERM, then shuts down gracefully: no new requests,
 * requests in flight get up to 10 s to finish, the state file is removed.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const projectDir = path.resolve(options.projectDir ?? process.env['CLAUDE_PROJECT_DIR'] ?? process.cwd());
  const configPath = path.resolve(options.config ?? path.join(projectDir, EXECUTOR_CONFIG_RELATIVE_PATH));
  const paths = serverPaths(projectDir);
  const err = (line: string): void => {
    if (!options.quiet) process.stderr.write(`hook-executor serve: ${line}\n`);
  };

  const running = readServerState(paths.stateFile);
  if (running !== undefined && running.pid !== process.pid && isAlive(running.pid)) {
    const where = running.socket ?? `${running.host ?? '127.0.0.1'}:${running.port}`;
    throw new WhiteboxError('SERVER_RUNNING', `A hook-executor server is already running for ${projectDir} (pid ${running.pid}, ${where}); stop it first`);
  }
  const fileServer = (await loadExecutorConfig(configPath, { missingOk: true })).config.server ?? {};
  const host = options.host ?? fileServer.host ?? '127.0.0.1';
  const port = options.port ?? fileServer.port ?? DEFAULT_SERVER_PORT;
  const socket = options.socket ?? fileServer.socket;
  if (socket !== undefined) removeStaleSocket(path.resolve(socket));
  const tokenFile = path.resolve(options.tokenFile ?? paths.tokenFile);
  const token = ensureToken(tokenFile);
  if (socket === undefined && !LOOPBACK.has(host)) {
    err(`warning: listening on ${host}, not loopback; anyone who can reach it and has the token can run your hooks`);
  }

  const server = await startHookServer({
    configPath,
    projectDir,
    token,
    host,
    port,
    ...(socket !== undefined && { socket: path.resolve(socket) }),
    maxBodyBytes: options.maxBodyBytes ?? fileServer.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    log: err,
  });
  writeServerState(paths.stateFile, {
    version: 1,
    pid: process.pid,
    ...(server.port !== undefined && { host, port: server.port }),
    ...(server.socket !== undefined && { socket: server.socket }),
    configPath,
    tokenFile,
    startedAt: new Date().toISOString(),
  });

  const where = server.url ?? `unix:${server.socket}`;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ url: server.url ?? null, port: server.port ?? null, socket: server.socket ?? null, tokenFile, stateFile: paths.stateFile, pid: process.pid })}\n`);
  } else {
    process.stdout.write(`listening on ${where}\n`);
  }
  err(`serving ${configPath}; token in ${tokenFile} (export ${TOKEN_ENV_VAR}="$(cat ${tokenFile})" before starting Claude Code)`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      err(`${signal}: finishing requests in flight`);
      void server.close({ graceMs: 10_000 }).finally(() => {
        removeServerState(paths.stateFile);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A socket file left by a server that died would make listen() fail with EADDRINUSE. */
function removeStaleSocket(socket: string): void {
  try {
    if (statSync(socket).isSocket()) rmSync(socket);
  } catch {
    // missing: nothing to remove
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
