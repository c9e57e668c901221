import { open } from 'node:fs/promises';
import { WhiteboxError } from '@whitebox/core';

/** What {@link forEachJsonLine} read. */
export interface JsonLineStats {
  /** False when the file does not exist. */
  readonly exists: boolean;
  /** Lines read, blank and malformed ones included. */
  readonly lines: number;
  /** Empty or whitespace-only lines. */
  readonly blank: number;
  /** Lines that were not JSON, such as one cut off by a crash. */
  readonly malformed: number;
}

/** Options for {@link forEachJsonLine}. */
export interface ForEachJsonLineOptions {
  /** Bytes read at a time. @default 1_048_576 */
  readonly chunkSize?: number;
  /** Stops reading; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * Calls `onValue` with every JSON line of a file, synchronously within each chunk. Core's
 * `readJsonl` yields one record per `await` and decodes each line on its own; over a million
 * lines that costs about as much as the JSON parsing itself, so the report, which must stay
 * within 3 s for a million records, decodes the whole lines of a chunk at once and splits them.
 * The semantics match: blank lines are skipped, malformed lines (and a cut-off last line that does
 * not parse) are counted, CRLF and a leading BOM are fine, and a missing file reads as empty.
 * Invalid UTF-8 becomes U+FFFD rather than a malformed line.
 *
 * @throws {WhiteboxError} `IO` naming the file when it exists but cannot be read.
 */
export async function forEachJsonLine(file: string, onValue: (value: unknown) => void, options: ForEachJsonLineOptions = {}): Promise<JsonLineStats> {
  const chunkSize = options.chunkSize ?? 1_048_576;
  const { signal } = options;
  signal?.throwIfAborted();
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, lines: 0, blank: 0, malformed: 0 };
    throw new WhiteboxError('IO', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let lines = 0;
  let blank = 0;
  let malformed = 0;
  const take = (line: string): void => {
    lines += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (line.trim() === '') blank += 1;
      else malformed += 1;
      return;
    }
    onValue(value);
  };
  try {
    let buffer = Buffer.allocUnsafe(chunkSize);
    // Bytes of an unfinished line, moved to the start of the buffer for the next read.
    let carry = 0;
    let first = true;
    for (;;) {
      signal?.throwIfAborted();
      if (carry === buffer.length) {
        // One line longer than the buffer: make room for the rest of it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, carry);
        buffer = bigger;
      }
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, carry, buffer.length - carry, null));
      } catch (error) {
        throw new WhiteboxError('IO', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
      }
      if (bytesRead === 0) {
        if (carry > 0) take(decode(buffer, 0, carry, first));
        break;
      }
      const end = carry + bytesRead;
      const lastNewline = buffer.lastIndexOf(0x0a, end - 1);
      if (lastNewline === -1) {
        carry = end;
        continue;
      }
      // Whole lines only, so a character split across reads is never decoded in halves.
      const text = decode(buffer, 0, lastNewline, first);
      first = false;
      let start = 0;
      let nl: number;
      while ((nl = text.indexOf('\n', start)) !== -1) {
        take(text.slice(start, nl));
        start = nl + 1;
      }
      take(start === 0 ? text : text.slice(start));
      carry = end - lastNewline - 1;
      buffer.copy(buffer, 0, lastNewline + 1, end);
    }
  } finally {
    await handle.close();
  }
  return { exists: true, lines, blank, malformed };
}

function decode(buffer: Buffer, start: number, end: number, first: boolean): string {
  const text = buffer.toString('utf8', start, end);
  return first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
