import { createReadStream } from 'node:fs';
import type { z } from 'zod';
import { WhiteboxError } from './errors.js';

/** One record read by {@link readJsonl}, with where it came from. */
export interface JsonlEntry<T> {
  /** The 1-based line number in the file. */
  readonly line: number;
  /** The parsed record: the schema's output when a schema was given. */
  readonly record: T;
}

/** A line {@link readJsonl} skipped, and why. */
export interface JsonlMalformedLine {
  /** The 1-based line number in the file. */
  readonly line: number;
  /** What was wrong: the JSON parse error, the schema issues, or invalid UTF-8. */
  readonly reason: string;
}

/** What {@link readJsonl} saw; final once iteration ends. */
export interface JsonlReadStats {
  /** Lines read, blank and malformed ones included. */
  readonly lines: number;
  /** Records yielded. */
  readonly records: number;
  /** Empty or whitespace-only lines, skipped without complaint. */
  readonly blank: number;
  /** Lines skipped because they did not parse or did not match the schema. */
  readonly malformed: number;
  /** The first `maxMalformedLines` malformed lines; `malformed` has the full count. */
  readonly malformedLines: readonly JsonlMalformedLine[];
  /**
   * True when the file does not end with a newline: the last line may have been cut off by a
   * writer that crashed or is still writing. It is still yielded if it parses.
   */
  readonly unterminatedLastLine: boolean;
}

/** A zod schema, classic or mini: anything with zod's `safeParse`. */
export interface JsonlSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly z.core.$ZodIssue[] } };
}

/** Options for {@link readJsonl}. */
export interface ReadJsonlOptions<T> {
  /** Validates (and may transform) each record; a record that fails counts as malformed. Synchronous schemas only. */
  readonly schema?: JsonlSchema<T>;
  /** Treat a missing file as empty instead of throwing. @default false */
  readonly missingOk?: boolean;
  /** How many malformed lines to keep in `stats.malformedLines`. @default 100 */
  readonly maxMalformedLines?: number;
  /** Bytes read per chunk; lines may span any number of chunks. @default 65536 */
  readonly chunkSize?: number;
  /** Stops reading; iteration rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** A JSONL file being read: iterate it once with `for await`, then look at `stats`. */
export interface JsonlReader<T> extends AsyncIterable<JsonlEntry<T>> {
  /** The file being read. */
  readonly path: string;
  /** Counts so far; final once iteration has finished. */
  readonly stats: JsonlReadStats;
}

/** What {@link readJsonlAll} resolves to. */
export interface ReadJsonlAllResult<T> {
  /** Every good record, in file order. */
  readonly records: T[];
  /** What was skipped and why. */
  readonly stats: JsonlReadStats;
}

interface MutableStats {
  lines: number;
  records: number;
  blank: number;
  malformed: number;
  malformedLines: JsonlMalformedLine[];
  unterminatedLastLine: boolean;
}

const NEWLINE = 0x0a;

/**
 * Streams a JSONL file record by record, in constant memory whatever its size. Malformed lines
 * (torn, hand-edited, not matching `schema`) are skipped and counted rather than failing the read,
 * because JSONL logs written by many processes are expected to carry the odd bad line. Blank lines,
 * CRLF endings, a leading BOM and a cut-off last line are tolerated.
 *
 * @param path - The JSONL file.
 * @throws {WhiteboxError} `IO` (when iterated) naming the path if the file is missing (unless
 * `missingOk`) or unreadable.
 * @example
 * const reader = readJsonl('.claude/memory/hook-runs.jsonl', { schema: HookRun });
 * for await (const { record } of reader) total += record.durationMs;
 * if (reader.stats.malformed > 0) warn(`skipped ${reader.stats.malformed} malformed lines`);
 */
export function readJsonl<T = unknown>(path: string, options: ReadJsonlOptions<T> = {}): JsonlReader<T> {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`Expected \`path\` to be a non-empty string, got \`${String(path)}\` (${typeof path})`);
  }
  const { maxMalformedLines = 100, chunkSize = 65_536 } = options;
  assertCount('maxMalformedLines', maxMalformedLines, 0);
  assertCount('chunkSize', chunkSize, 1);
  if (options.schema !== undefined && typeof options.schema?.safeParse !== 'function') {
    throw new TypeError(`Expected \`schema\` to be a zod schema, got \`${String(options.schema)}\` (${typeof options.schema})`);
  }
  const stats: MutableStats = {
    lines: 0,
    records: 0,
    blank: 0,
    malformed: 0,
    malformedLines: [],
    unterminatedLastLine: false,
  };
  let started = false;
  return {
    path,
    stats,
    [Symbol.asyncIterator]() {
      if (started) {
        throw new Error(`The JSONL reader for ${path} can be iterated only once; call readJsonl() again to re-read`);
      }
      started = true;
      return entries(path, { ...options, maxMalformedLines, chunkSize }, stats);
    },
  };
}

/**
 * Reads a whole JSONL file into memory; {@link readJsonl} without the loop.
 *
 * @example
 * const { records, stats } = await readJsonlAll('.claude/memory/hook-runs.jsonl', { missingOk: true });
 */
export async function readJsonlAll<T = unknown>(path: string, options: ReadJsonlOptions<T> = {}): Promise<ReadJsonlAllResult<T>> {
  const reader = readJsonl(path, options);
  const records: T[] = [];
  for await (const { record } of reader) records.push(record);
  return { records, stats: reader.stats };
}

async function* entries<T>(
  path: string,
  options: ReadJsonlOptions<T> & { maxMalformedLines: number; chunkSize: number },
  stats: MutableStats,
): AsyncGenerator<JsonlEntry<T>, void, undefined> {
  const { schema, signal, maxMalformedLines } = options;
  signal?.throwIfAborted();
  // Decoding whole lines, never chunks, keeps a multi-byte character split across chunks intact;
  // `fatal` turns bytes torn mid-character into a malformed line instead of U+FFFD noise.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  const malformed = (line: number, reason: string): void => {
    stats.malformed += 1;
    if (stats.malformedLines.length < maxMalformedLines) stats.malformedLines.push({ line, reason });
  };

  const parse = (bytes: Buffer, line: number, terminated: boolean): JsonlEntry<T> | undefined => {
    stats.lines += 1;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      malformed(line, 'invalid UTF-8');
      return undefined;
    }
    if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    if (text.trim() === '') {
      stats.blank += 1;
      return undefined;
    }
    let value: unknown;
    try {
      // The \r of a CRLF ending is JSON whitespace, so CRLF files need no special case.
      value = JSON.parse(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      malformed(line, terminated ? why : `cut off (no newline at end of file): ${why}`);
      return undefined;
    }
    if (schema === undefined) {
      stats.records += 1;
      return { line, record: value as T };
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
      malformed(line, `does not match the schema: ${issues.join('; ')}`);
      return undefined;
    }
    stats.records += 1;
    return { line, record: result.data };
  };

  let pending: Buffer[] = [];
  let lineNumber = 0;
  const stream = createReadStream(path, { highWaterMark: options.chunkSize, signal });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && options.missingOk) return;
        const what = code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
        throw new WhiteboxError('IO', `Cannot read JSONL file ${path}: ${what}`, { cause: error });
      }
      if (next.done) break;
      const chunk = next.value;
      let start = 0;
      let end: number;
      while ((end = chunk.indexOf(NEWLINE, start)) !== -1) {
        const piece = chunk.subarray(start, end);
        const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        start = end + 1;
        lineNumber += 1;
        if (signal?.aborted) throw signal.reason;
        const entry = parse(bytes, lineNumber, true);
        if (entry !== undefined) yield entry;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
  } finally {
    // Reached early when the caller breaks out of its loop: release the file descriptor now.
    stream.destroy();
  }
  if (pending.length > 0) {
    stats.unterminatedLastLine = true;
    const entry = parse(Buffer.concat(pending), lineNumber + 1, false);
    if (entry !== undefined) yield entry;
  }
}

function assertCount(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`Expected \`${name}\` to be an integer >= ${min}, got \`${String(value)}\` (${typeof value})`);
  }
}
