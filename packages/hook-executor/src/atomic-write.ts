import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `text` to `file` atomically: a temporary file in the same directory, flushed to disk, then
 * renamed over the target, so a reader (Claude Code) sees the old file or the new one, never half of
 * one. The file keeps its permissions; a new file gets `mode`.
 */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  let fileMode = mode;
  try {
    fileMode = (await stat(file)).mode & 0o777;
  } catch {
    // a new file
  }
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', fileMode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Copies `file` to `<file>.<timestamp>.bak` beside it and returns the backup's path, or `undefined`
 * when the file does not exist (nothing to back up). Existing backups are never overwritten.
 */
export async function backupFile(file: string, now: Date = new Date()): Promise<string | undefined> {
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const backup = `${file}.${stamp}${n === 0 ? '' : `-${n}`}.bak`;
    try {
      await copyFile(file, backup, 1 /* COPYFILE_EXCL */);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
