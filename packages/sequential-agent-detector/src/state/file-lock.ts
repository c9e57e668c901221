import { open, stat, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { WhiteboxError } from '@whitebox/core';

/** Options for {@link withFileLock}. */
export interface FileLockOptions {
  /** Attempts before giving up. @default 100 */
  readonly retries?: number;
  /** Pause between attempts. @default 5 */
  readonly retryDelayMs?: number;
  /** A lock file older than this was left by a process that died; it is taken over. @default 10000 */
  readonly staleMs?: number;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Runs `fn` while holding `lockPath`, a file created with `O_CREAT | O_EXCL` (`'wx'`) so that
 * exactly one process at a time can create it; the others retry. A crashed holder's lock is
 * taken over once it is `staleMs` old.
 *
 * @throws {WhiteboxError} `TIMEOUT` naming the lock file when it stays held through every retry.
 * @example
 * await withFileLock(`${file}.lock`, () => rewrite(file));
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T> | T, options: FileLockOptions = {}): Promise<T> {
  const { retries = 100, retryDelayMs = 5, staleMs = 10_000, sleep = delay, now = Date.now } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid)).finally(() => handle.close());
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(lockPath).catch(() => undefined);
      if (held !== undefined && now() - held.mtimeMs > staleMs) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (attempt >= retries) {
        throw new WhiteboxError('TIMEOUT', `Lock ${lockPath} is still held after ${retries} attempts; delete it if no process owns it`);
      }
      await sleep(retryDelayMs);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
