import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureStateDir } from './server-state.js';

/**
 * Reads the bearer token from `tokenFile`, or generates one (32 random bytes, base64url) into it
 * with mode 0600. An existing token is kept so settings and exported variables stay valid across
 * restarts; its mode is tightened to 0600 if someone loosened it.
 */
export function ensureToken(tokenFile: string): string {
  try {
    const existing = readFileSync(tokenFile, 'utf8').trim();
    if (existing.length >= 16) {
      chmodSync(tokenFile, 0o600);
      return existing;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  ensureStateDir(path.dirname(tokenFile));
  const token = randomBytes(32).toString('base64url');
  const temporary = `${tokenFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  renameSync(temporary, tokenFile);
  return token;
}
