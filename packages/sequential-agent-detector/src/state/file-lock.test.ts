import { existsSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { makeTempDir } from '../../test-fixtures/helpers.js';
import { withFileLock } from './file-lock.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe(withFileLock, () => {
  it('runs holders one at a time and removes the lock afterwards', async () => {
    const lock = path.join(dir, 'x.lock');
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        withFileLock(lock, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(i);
          inside -= 1;
        }, { retryDelayMs: 1 }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toHaveLength(5);
    expect(existsSync(lock)).toBe(false);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = path.join(dir, 'x.lock');
    await expect(withFileLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a dead holder once it is stale', async () => {
    const lock = path.join(dir, 'x.lock');
    await writeFile(lock, '99999');
    await utimes(lock, 0, 0);
    expect(await withFileLock(lock, () => 'ran', { staleMs: 1000 })).toBe('ran');
  });

  it('gives up with a TIMEOUT error naming the lock when it stays held', async () => {
    const lock = path.join(dir, 'x.lock');
    await writeFile(lock, String(process.pid));
    const error = await withFileLock(lock, () => 'never', { retries: 3, sleep: () => Promise.resolve() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining(lock) });
  });
});
