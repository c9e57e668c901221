import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WhiteboxError } from './errors.js';

/**
 * Linux's MAX_RW_COUNT: one write() never moves more than this, so a bigger batch would be split
 * into several writes that other appenders could slip between.
 */
const MAX_ATOMIC_WRITE = 0x7fff_f000;

/** A JSONL file held open for many appends; see {@link createJsonlAppender}. */
export interface JsonlAppender<T = unknown> {
  /** The file being appended to. */
  readonly path: string;
  /** True once {@link JsonlAppender.close} has run. */
  readonly closed: boolean;
  /**
   * Appends one record, or every record of an array, as whole lines in a single write.
   * An array is always a batch: to append an array as one record, wrap it (`append([list])`).
   *
   * @throws {WhiteboxError} `INPUT_INVALID` when a record cannot be serialized (nothing is written),
   * `IO` when the write fails or the appender is closed.
   */
  append(records: T | readonly T[]): void;
  /** Closes the file. Calling it again does nothing. */
  close(): void;
}

/**
 * Appends records to a JSONL file, one JSON document per line, creating the file and its parent
 * directories on demand. The whole call is one `write()` on a file opened with `O_APPEND`, which
 * Linux performs under the inode lock, so lines from parallel processes never interleave or tear,
 * whatever their length. That holds on local filesystems, not on NFS.
 *
 * An array is a batch: its records go out together as whole lines in the same single write. To
 * append one record that is itself an array, wrap it: `appendJsonlSync(path, [list])`.
 * Every record is serialized before anything is written, so a bad record leaves the file as it was.
 *
 * This is the cheapest path for a hook command: one open, one write, one close.
 *
 * @param path - The JSONL file, typically under `.claude/memory/`.
 * @param records - One record, or an array of records.
 * @throws {WhiteboxError} `INPUT_INVALID` when a record is not JSON-serializable (`undefined`, a
 * function, a BigInt, a cycle), `IO` when the file cannot be opened or written.
 * @example
 * appendJsonlSync('.claude/memory/hook-runs.jsonl', { hook: 'lint', durationMs: 412 });
 */
export function appendJsonlSync<T>(path: string, records: T | readonly T[]): void {
  assertPath(path);
  const bytes = serialize(path, records);
  if (bytes === undefined) return;
  const fd = openForAppendSync(path);
  try {
    writeWholeSync(fd, bytes, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link appendJsonlSync} without blocking the event loop: same single write, same guarantees.
 *
 * @example
 * await appendJsonl('.claude/memory/hook-runs.jsonl', [first, second]);
 */
export async function appendJsonl<T>(path: string, records: T | readonly T[]): Promise<void> {
  assertPath(path);
  const bytes = serialize(path, records);
  if (bytes === undefined) return;
  const handle = await openForAppend(path);
  try {
    let written: number;
    try {
      ({ bytesWritten: written } = await handle.write(bytes, 0, bytes.length));
    } catch (error) {
      throw writeFailed(path, error);
    }
    if (written !== bytes.length) {
      await handle.write('\n').catch(() => undefined);
      throw shortWrite(path, written, bytes.length);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Opens a JSONL file once for many appends, each still a single `O_APPEND` write with the
 * guarantees of {@link appendJsonlSync}. Writes are synchronous on purpose: a small write to a
 * regular file costs microseconds, and it keeps the lines of one process in call order.
 *
 * @param path - The JSONL file; it and its parent directories are created now if missing.
 * @throws {WhiteboxError} `IO` when the file cannot be opened.
 * @example
 * const log = createJsonlAppender('.claude/memory/events.jsonl');
 * try {
 *   for (const event of events) log.append(event);
 * } finally {
 *   log.close();
 * }
 */
export function createJsonlAppender<T = unknown>(path: string): JsonlAppender<T> {
  assertPath(path);
  let fd: number | undefined = openForAppendSync(path);
  return {
    path,
    get closed() {
      return fd === undefined;
    },
    append(records) {
      if (fd === undefined) throw new WhiteboxError('IO', `Cannot append to ${path}: the appender is closed`);
      const bytes = serialize(path, records);
      if (bytes !== undefined) writeWholeSync(fd, bytes, path);
    },
    close() {
      if (fd === undefined) return;
      const current = fd;
      fd = undefined;
      closeSync(current);
    },
  };
}

function assertPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`Expected \`path\` to be a non-empty string, got \`${String(path)}\` (${typeof path})`);
  }
}

/** All records as one buffer of whole lines, or `undefined` for an empty batch. */
function serialize(path: string, records: unknown): Buffer | undefined {
  const batch = Array.isArray(records);
  const list: readonly unknown[] = batch ? records : [records];
  if (list.length === 0) return undefined;
  let text = '';
  for (const [index, record] of list.entries()) {
    const where = batch ? `record ${index} of ${list.length}` : 'the record';
    let line: string | undefined;
    try {
      line = JSON.stringify(record);
    } catch (error) {
      throw new WhiteboxError(
        'INPUT_INVALID',
        `Cannot append to ${path}: ${where} is not JSON-serializable: ${messageOf(error)}`,
        { cause: error },
      );
    }
    if (line === undefined) {
      throw new WhiteboxError(
        'INPUT_INVALID',
        `Cannot append to ${path}: ${where} is not JSON-serializable: expected a JSON value, got ${typeof record}`,
      );
    }
    // JSON.stringify escapes every control character, so this only trips if that contract breaks
    // (a patched JSON, say); a raw line break would split the record into two malformed lines.
    if (line.includes('\n') || line.includes('\r')) {
      throw new WhiteboxError(
        'INPUT_INVALID',
        `Cannot append to ${path}: ${where} serialized to text containing a raw line break`,
      );
    }
    text += `${line}\n`;
  }
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_ATOMIC_WRITE) {
    throw new WhiteboxError(
      'INPUT_INVALID',
      `Cannot append to ${path}: ${bytes.length} bytes exceed the ${MAX_ATOMIC_WRITE} bytes one write can carry; split the batch`,
    );
  }
  return bytes;
}

function openForAppendSync(path: string): number {
  try {
    return openSync(path, 'a');
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw openFailed(path, error);
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a');
  } catch (error) {
    throw openFailed(path, error);
  }
}

async function openForAppend(path: string) {
  try {
    return await open(path, 'a');
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw openFailed(path, error);
  }
  try {
    await mkdir(dirname(path), { recursive: true });
    return await open(path, 'a');
  } catch (error) {
    throw openFailed(path, error);
  }
}

/**
 * A short count means the line is torn: libuv already retried the rest of the buffer, so the
 * retry failed too (a full disk, a file-size limit). Writing the remainder later could land after
 * another process's line, so instead the fragment is sealed with a newline, best effort, so that
 * it spoils only its own line, which readers then skip as malformed, and the caller hears of it.
 */
function writeWholeSync(fd: number, bytes: Buffer, path: string): void {
  let written: number;
  try {
    written = writeSync(fd, bytes, 0, bytes.length);
  } catch (error) {
    throw writeFailed(path, error);
  }
  if (written === bytes.length) return;
  try {
    writeSync(fd, '\n');
  } catch {
    // The disk that cut the line short usually refuses the newline too; the error below says it all.
  }
  throw shortWrite(path, written, bytes.length);
}

function shortWrite(path: string, written: number, expected: number): WhiteboxError {
  return new WhiteboxError(
    'IO',
    `Short write to ${path}: ${written} of ${expected} bytes were written, so the file may end with a torn line ` +
      '(readers skip it as malformed); is the disk full or a file-size limit reached?',
  );
}

function openFailed(path: string, error: unknown): WhiteboxError {
  return new WhiteboxError('IO', `Cannot open ${path} for appending: ${messageOf(error)}`, { cause: error });
}

function writeFailed(path: string, error: unknown): WhiteboxError {
  return new WhiteboxError('IO', `Cannot append to ${path}: ${messageOf(error)}`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
