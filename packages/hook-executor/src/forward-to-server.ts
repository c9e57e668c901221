import path from 'node:path';
import { COMMAND_REPLY_HEADER } from './executor-constants.js';
import { readServerState, readToken, serverPaths } from './server-state.js';

export { COMMAND_REPLY_HEADER };

const NOT_LISTENING = new Set(['ECONNREFUSED', 'ENOENT', 'ENOTSOCK', 'EADDRNOTAVAIL']);
const FALLBACK_STATUSES = new Set([400, 401, 404, 413, 415, 503]);

function lost(why: string): CommandReply {
  return { exitCode: 1, stdout: '', stderr: `hook-executor: lost the connection to the resident server (${why})\n` };
}

/** What a command hook prints and exits with. */
export interface CommandReply {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link forwardToServer}. */
export interface ForwardToServerOptions {
  /** The project whose server to look for. */
  readonly projectDir: string;
  /** The event to post. */
  readonly event: string;
  /** The hook input, as received on stdin. */
  readonly body: string;
  /** Only forward to a server serving this config file. */
  readonly configPath: string;
}

/**
 * Sends one event to the project's resident server, if one is up, and returns what the command
 * hook should print. Resolves `undefined` (run locally instead) when there is no state file, the
 * server serves another config, the connection is refused (a server that died), or the server
 * answers anything but 200. Reads no more than the state and token files: this is the hot path.
 */
export async function forwardToServer(options: ForwardToServerOptions): Promise<CommandReply | undefined> {
  const paths = serverPaths(options.projectDir);
  const state = readServerState(paths.stateFile);
  if (state === undefined || path.resolve(state.configPath) !== path.resolve(options.configPath)) return undefined;
  const token = readToken(state.tokenFile);
  if (token === undefined) return undefined;
  // Loaded only when a server is up: node:http is a noticeable part of a hook's start-up.
  const { request } = await import('node:http');

  return new Promise((resolve) => {
    const req = request(
      {
        ...(state.socket !== undefined ? { socketPath: state.socket } : { host: state.host ?? '127.0.0.1', port: state.port }),
        method: 'POST',
        path: `/hooks/${encodeURIComponent(options.event)}`,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(options.body),
          [COMMAND_REPLY_HEADER]: 'command',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => resolve(lost(error.message)));
        res.on('end', () => {
          // Refused before anything ran (bad body, token rotated, too large, shutting down): run locally.
          if (res.statusCode !== 200) {
            return resolve(FALLBACK_STATUSES.has(res.statusCode ?? 0) ? undefined : lost(`HTTP ${res.statusCode}`));
          }
          try {
            const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<CommandReply>;
            if (typeof reply.exitCode !== 'number' || typeof reply.stdout !== 'string' || typeof reply.stderr !== 'string') {
              return resolve(lost('an unreadable reply'));
            }
            resolve({ exitCode: reply.exitCode, stdout: reply.stdout, stderr: reply.stderr });
          } catch {
            resolve(lost('an unreadable reply'));
          }
        });
      },
    );
    // Refused, or no socket: the server is gone and nothing ran, so run locally. Any other error may
    // come after hooks ran, and running them twice would repeat their side effects.
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(NOT_LISTENING.has(error.code ?? '') ? undefined : lost(error.message)),
    );
    req.end(options.body);
  });
}
