import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The folder, relative to the project directory, where the server keeps its state and token. */
export const SERVER_STATE_RELATIVE_DIR = '.claude/hook-executor';

/** The environment variable settings.json reads the bearer token from (`headers` + `allowedEnvVars`). */
export const TOKEN_ENV_VAR = 'HOOK_EXECUTOR_TOKEN';

/** Where a running server says how to reach it; `run` reads it to forward events. */
export interface ServerState {
  readonly version: 1;
  /** The server's process id. */
  readonly pid: number;
  /** TCP address, when listening on TCP. */
  readonly host?: string;
  readonly port?: number;
  /** The unix socket, when listening on one. */
  readonly socket?: string;
  /** The config file it serves. */
  readonly configPath: string;
  /** The file holding the bearer token (mode 0600). */
  readonly tokenFile: string;
  /** ISO time it started. */
  readonly startedAt: string;
}

/** The files of one project's server. */
export interface ServerPaths {
  readonly dir: string;
  readonly stateFile: string;
  readonly tokenFile: string;
}

/** Paths of the state and token files for `projectDir`. */
export function serverPaths(projectDir: string): ServerPaths {
  const dir = path.join(projectDir, SERVER_STATE_RELATIVE_DIR);
  return { dir, stateFile: path.join(dir, 'server.json'), tokenFile: path.join(dir, 'token') };
}

/**
 * Reads the server state; `undefined` when there is none or it is unreadable (a server that died
 * without cleaning up is detected by the refused connection, not here).
 */
export function readServerState(stateFile: string): ServerState | undefined {
  try {
    const value = JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<ServerState>;
    if (value.version !== 1 || typeof value.tokenFile !== 'string' || typeof value.configPath !== 'string') return undefined;
    if (typeof value.socket !== 'string' && typeof value.port !== 'number') return undefined;
    return value as ServerState;
  } catch {
    return undefined;
  }
}

/** Writes the state file atomically with mode 0600, creating the folder (and its `.gitignore`). */
export function writeServerState(stateFile: string, state: ServerState): void {
  writePrivateFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** Writes a file of the state folder atomically with mode 0600, creating the folder (and its `.gitignore`). */
export function writePrivateFile(file: string, text: string): void {
  ensureStateDir(path.dirname(file));
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Removes the state file if it still describes this process. */
export function removeServerState(stateFile: string, pid = process.pid): void {
  const state = readServerState(stateFile);
  if (state !== undefined && state.pid !== pid) return;
  rmSync(stateFile, { force: true });
}

/** Reads a token file; `undefined` when missing. */
export function readToken(tokenFile: string): string | undefined {
  try {
    const token = readFileSync(tokenFile, 'utf8').trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}

/** Creates the state folder with mode 0700 and a `.gitignore` that keeps it out of git. */
export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The folder holds a secret: keep it out of git whatever the project's own .gitignore says.
  try {
    writeFileSync(path.join(dir, '.gitignore'), '*\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
