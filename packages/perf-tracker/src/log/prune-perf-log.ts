import {
  appendFileSync,
  closeSync,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WhiteboxError } from '@whitebox/core';
import { findFileHolders } from './find-file-holders.js';

/** Options for {@link prunePerfLog}. */
export interface PrunePerfLogOptions {
  /** The timing log. */
  readonly file: string;
  /** Records younger than this (by `ts`) are kept, ms. */
  readonly keepMs: number;
  /** The clock, epoch ms. @default Date.now() */
  readonly now?: number;
  /** Also append the pruned records to `<log dir>/hook_performance.archive-<date>.jsonl`. @default false */
  readonly archive?: boolean;
  /** How long to wait for writers that still hold the old file open, ms. @default 10_000 */
  readonly drainTimeoutMs?: number;
  /** Finds the processes holding the old file; injectable for tests. @default findFileHolders */
  readonly findHolders?: (dev: number, ino: number) => number[] | undefined;
}

/** What {@link prunePerfLog} did. */
export interface PrunePerfLogResult {
  readonly file: string;
  /** False when there was no log to prune. */
  readonly existed: boolean;
  /** Lines kept (records in the window, unknown versions and undated lines included). */
  readonly kept: number;
  /** Records older than the window, removed. */
  readonly dropped: number;
  /** Lines that were not JSON, removed. */
  readonly malformed: number;
  /** Records whose `key` appeared earlier, removed. */
  readonly duplicates: number;
  /** Lines other processes appended while the prune ran, carried over to the new file. */
  readonly carriedOver: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Where pruned records were archived, when asked. */
  readonly archive?: string;
  /**
   * Processes that still held the old file open when the drain timed out. Their later records
   * land in `<log>.rotating`, which the next prune merges.
   */
  readonly stragglers: readonly number[];
}

const CHUNK = 1 << 20;
const POLL_MS = 10;
/** Without /proc, the old file counts as drained after this long with no new bytes. */
const QUIET_MS = 250;

/**
 * Drops records older than the window from the timing log, and malformed lines and duplicate
 * import keys with them, while hooks keep appending. No record is lost or written twice:
 *
 * 1. Take `<log>.prune.lock` (one prune at a time) and open the current file.
 * 2. Copy the lines to keep to a temporary file, remembering how many bytes were read.
 * 3. Hard-link the old file as `<log>.rotating`, then rename the temporary file over the log:
 *    writers that open the log from now on append to the new file.
 * 4. Drain: writers that opened the old file before the rename may still append to it. Every byte
 *    past the read offset is copied to the new file as whole lines, one `O_APPEND` write each,
 *    until no other process holds the old file (checked in `/proc`; elsewhere, until it has been
 *    quiet for a while). Only then is `.rotating` removed. If a writer keeps it open past the
 *    timeout, `.rotating` and its offset stay behind and the next prune merges the rest.
 *
 * @throws {WhiteboxError} `BUSY` when another prune holds the lock, `IO` when the log cannot be rewritten.
 */
export async function prunePerfLog(options: PrunePerfLogOptions): Promise<PrunePerfLogResult> {
  const { file, keepMs } = options;
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(`Expected \`file\` to be a non-empty string, got \`${String(file)}\` (${typeof file})`);
  }
  if (typeof keepMs !== 'number' || !(keepMs > 0)) {
    throw new TypeError(`Expected \`keepMs\` to be a positive number, got \`${String(keepMs)}\` (${typeof keepMs})`);
  }
  const now = options.now ?? Date.now();
  const cutoff = now - keepMs;
  const findHolders = options.findHolders ?? findFileHolders;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const rotating = `${file}.rotating`;
  const offsetFile = `${rotating}.offset`;
  const release = lock(`${file}.prune.lock`);
  try {
    const recovered = recoverRotating(rotating, offsetFile, file, findHolders);
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { file, existed: false, kept: 0, dropped: 0, malformed: 0, duplicates: 0, carriedOver: recovered, bytesBefore: 0, bytesAfter: 0, stragglers: [] };
      }
      throw new WhiteboxError('IO', `Cannot open ${file} to prune it: ${(error as Error).message}`, { cause: error });
    }
    const { dev, ino, mode } = fstatSync(fd);
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.prune-${process.pid}.tmp`);
    const archive = options.archive ? path.join(path.dirname(file), `hook_performance.archive-${new Date(now).toISOString().slice(0, 10)}.jsonl`) : undefined;
    let kept = 0;
    let dropped = 0;
    let malformed = 0;
    let duplicates = 0;
    let offset = 0;
    let carriedOver = recovered;
    let stragglers: number[] = [];
    let linked = false;
    try {
      const out = openSync(tmp, 'wx', mode & 0o777);
      try {
        const keys = new Set<string>();
        const keptLines = new LineBatch((bytes) => writeWhole(out, bytes, tmp));
        const archived = new LineBatch((bytes) => archive !== undefined && appendFileSync(archive, bytes));
        offset = forEachLine(fd, 0, (line) => {
          const verdict = judge(line, cutoff, keys);
          if (verdict === 'keep') {
            kept += 1;
            keptLines.push(line);
          } else if (verdict === 'old') {
            dropped += 1;
            archived.push(line);
          } else if (verdict === 'malformed') malformed += 1;
          else if (verdict === 'duplicate') duplicates += 1;
        });
        keptLines.flush();
        archived.flush();
        fsyncSync(out);
      } finally {
        closeSync(out);
      }
      try {
        linkSync(file, rotating);
        linked = true;
      } catch {
        // No hard links here (or a leftover we could not merge): the drain below still runs,
        // only a writer that outlives the timeout could then lose records.
      }
      renameSync(tmp, file);
    } catch (error) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      if (linked) unlinkSync(rotating);
      throw new WhiteboxError('IO', `Cannot prune ${file}: ${(error as Error).message}`, { cause: error });
    }

    const bytesBefore = fstatSync(fd).size;
    try {
      const deadline = Date.now() + drainTimeoutMs;
      let quietSince = Date.now();
      for (;;) {
        const before = offset;
        offset = carryOver(fd, offset, file, (n) => (carriedOver += n), false);
        if (offset !== before) quietSince = Date.now();
        const holders = findHolders(dev, ino);
        const drained = holders === undefined ? Date.now() - quietSince >= QUIET_MS : holders.length === 0;
        if (drained) {
          offset = carryOver(fd, offset, file, (n) => (carriedOver += n), true);
          break;
        }
        if (Date.now() >= deadline) {
          stragglers = holders ?? [];
          break;
        }
        await sleep(POLL_MS);
      }
    } finally {
      closeSync(fd);
    }
    if (linked) {
      if (stragglers.length === 0) unlinkSync(rotating);
      else writeFileSync(offsetFile, String(offset));
    }
    return {
      file,
      existed: true,
      kept,
      dropped,
      malformed,
      duplicates,
      carriedOver,
      bytesBefore,
      bytesAfter: statSync(file).size,
      ...(archive === undefined || dropped === 0 ? {} : { archive }),
      stragglers,
    };
  } finally {
    release();
  }
}

type Verdict = 'keep' | 'old' | 'malformed' | 'duplicate';

function judge(line: Buffer, cutoff: number, keys: Set<string>): Verdict | 'blank' {
  const text = line.toString('utf8');
  if (text.trim() === '') return 'blank';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (typeof value !== 'object' || value === null) return 'malformed';
  const record = value as { ts?: unknown; key?: unknown };
  if (typeof record.key === 'string') {
    if (keys.has(record.key)) return 'duplicate';
    keys.add(record.key);
  }
  // Undated lines and unknown versions are kept: nothing says they are old.
  const ts = typeof record.ts === 'string' ? Date.parse(record.ts) : NaN;
  return Number.isFinite(ts) && ts < cutoff ? 'old' : 'keep';
}

/**
 * Calls `onLine` for each complete line from `start` (the buffer is reused: copy what you keep).
 * Returns the offset after the last newline: an unfinished last line stays for the drain.
 */
function forEachLine(fd: number, start: number, onLine: (line: Buffer) => void): number {
  const buffer = Buffer.allocUnsafe(CHUNK);
  let position = start;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for (;;) {
    const read = readSync(fd, buffer, 0, CHUNK, position);
    if (read === 0) return position - pendingBytes;
    position += read;
    const chunk = buffer.subarray(0, read);
    let from = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, from)) !== -1) {
      const piece = chunk.subarray(from, nl);
      onLine(pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]));
      pending = [];
      pendingBytes = 0;
      from = nl + 1;
    }
    if (from < read) {
      pending.push(Buffer.from(chunk.subarray(from)));
      pendingBytes += read - from;
    }
  }
}

/**
 * Copies whole lines appended to the old file after `offset` into the log, one write per chunk.
 * `final` also copies an unterminated tail, sealed with a newline: no writer is left to finish it.
 */
function carryOver(fd: number, offset: number, file: string, count: (lines: number) => void, final: boolean): number {
  const buffer = Buffer.allocUnsafe(CHUNK);
  let position = offset;
  for (;;) {
    const read = readSync(fd, buffer, 0, CHUNK, position);
    if (read === 0) return position;
    const chunk = buffer.subarray(0, read);
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline === -1) {
      if (read < CHUNK && !final) return position;
      if (read < CHUNK) {
        appendFileSync(file, Buffer.concat([chunk, Buffer.from('\n')]));
        count(1);
        return position + read;
      }
      // A single line longer than the chunk: copy it as it is, the rest follows.
      appendFileSync(file, chunk);
      position += read;
      continue;
    }
    const whole = chunk.subarray(0, lastNewline + 1);
    appendFileSync(file, whole);
    count(countNewlines(whole));
    position += whole.length;
  }
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n += 1;
  return n;
}

/** Merges what writers appended to a `.rotating` file left behind by a prune that timed out. */
function recoverRotating(rotating: string, offsetFile: string, file: string, findHolders: PrunePerfLogOptions['findHolders'] & {}): number {
  let offset: number;
  try {
    offset = Number(readFileSync(offsetFile, 'utf8'));
  } catch {
    // No offset: a prune crashed before its rename, so the old file is still the log.
    rmSync(rotating, { force: true });
    return 0;
  }
  let fd: number;
  try {
    fd = openSync(rotating, 'r');
  } catch {
    rmSync(offsetFile, { force: true });
    return 0;
  }
  let lines = 0;
  try {
    const { dev, ino } = fstatSync(fd);
    const holders = findHolders(dev, ino);
    carryOver(fd, Number.isFinite(offset) ? offset : 0, file, (n) => (lines += n), holders !== undefined && holders.length === 0);
    if (holders !== undefined && holders.length > 0) return lines;
  } finally {
    closeSync(fd);
  }
  rmSync(rotating, { force: true });
  rmSync(offsetFile, { force: true });
  return lines;
}

/** Takes an exclusive lock file; a lock whose process is gone is stale and taken over. */
function lock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WhiteboxError('IO', `Cannot create ${lockFile}: ${(error as Error).message}`, { cause: error });
      }
    }
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new WhiteboxError('BUSY', `Another prune (pid ${pid}) is running on this log; if it is not, remove ${lockFile}`);
    }
    rmSync(lockFile, { force: true });
  }
  throw new WhiteboxError('BUSY', `Cannot take ${lockFile}: another prune keeps taking it`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Collects lines and writes them in ~1 MB batches. */
class LineBatch {
  #parts: Buffer[] = [];
  #size = 0;
  constructor(private readonly write: (bytes: Buffer) => unknown) {}

  push(line: Buffer): void {
    this.#parts.push(Buffer.from(line), NEWLINE);
    this.#size += line.length + 1;
    if (this.#size >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.#size === 0) return;
    this.write(Buffer.concat(this.#parts, this.#size));
    this.#parts = [];
    this.#size = 0;
  }
}

const NEWLINE = Buffer.from('\n');

function writeWhole(fd: number, bytes: Buffer, file: string): void {
  let written = 0;
  while (written < bytes.length) {
    const n = writeSync(fd, bytes, written, bytes.length - written);
    if (n <= 0) throw new WhiteboxError('IO', `Short write to ${file}`);
    written += n;
  }
}
