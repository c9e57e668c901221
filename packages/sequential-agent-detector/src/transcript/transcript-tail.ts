import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseTranscriptLine, startsWith, type ParseTranscriptLineOptions, type TranscriptEntry } from './parse-transcript-line.js';

/** One complete line of the tail. */
export interface TailLine {
  /** Byte offset of the line in the file. */
  readonly offset: number;
  /** What the line means for delegation, if anything. */
  readonly entry: TranscriptEntry | undefined;
  /** True for `user` lines (prompts and tool results). */
  readonly user: boolean;
  /** The assistant message the line belongs to, when it is an assistant line. */
  readonly messageId: string | undefined;
}

/** Options for {@link TranscriptTail.open}. */
export interface TranscriptTailOptions extends ParseTranscriptLineOptions {
  /**
   * Stop reading backwards once this entry has been read: the start of the turn the caller needs.
   * @default never (read up to `maxBytes`)
   */
  readonly isStart?: (entry: TranscriptEntry) => boolean;
  /** Read at most this many bytes back from the end. @default 8 MiB */
  readonly maxBytes?: number;
  /** Bytes per backward read. @default 64 KiB */
  readonly chunkBytes?: number;
}

const NEWLINE = 0x0a;
const USER_TYPE = '"type":"user"';
const ASSISTANT_TYPE = '"type":"assistant"';
const MESSAGE_ID = '"id":"msg_';

/**
 * The end of a transcript, read backwards and kept up to date. Claude Code writes transcripts
 * asynchronously, so the newest lines a hook needs may appear a few milliseconds after it starts:
 * {@link TranscriptTail.poll} reads only what was appended since. A transcript can be hundreds of
 * megabytes; only the bytes back to the start of the current turn (or `maxBytes`) are ever read.
 * A last line without its newline is a line still being written: it is left for the next poll.
 */
export class TranscriptTail {
  /** Complete lines from the start of the tail, in file order. */
  readonly lines: TailLine[] = [];
  /** True when reading backwards found the entry `isStart` was looking for. */
  reachedStart = false;
  /** True when `maxBytes` stopped the backward read first. */
  truncated = false;
  #end = 0;
  readonly #path: string;
  readonly #options: TranscriptTailOptions;

  private constructor(path: string, options: TranscriptTailOptions) {
    this.#path = path;
    this.#options = options;
  }

  /** The transcript file. */
  get path(): string {
    return this.#path;
  }

  /** Byte offset just past the last complete line read. */
  get end(): number {
    return this.#end;
  }

  /**
   * Reads the end of `path` backwards until `options.isStart` matches or `maxBytes` is reached.
   *
   * @throws The `fs` error when the file cannot be opened or read (ENOENT before the first write).
   */
  static async open(path: string, options: TranscriptTailOptions = {}): Promise<TranscriptTail> {
    const tail = new TranscriptTail(path, options);
    // Synchronous reads: a hook reads a few hundred KiB at most, and every thread-pool round trip
    // of the promise API is time a waiting agent sees.
    const fd = openSync(path, 'r');
    try {
      tail.#readBackwards(fd);
    } finally {
      closeSync(fd);
    }
    return tail;
  }

  /**
   * Reads the complete lines appended since the last read.
   *
   * @returns How many lines were added.
   */
  async poll(): Promise<number> {
    const fd = openSync(this.#path, 'r');
    try {
      const { size } = fstatSync(fd);
      if (size <= this.#end) return 0;
      const buffer = Buffer.allocUnsafe(size - this.#end);
      const bytesRead = readSync(fd, buffer, 0, buffer.length, this.#end);
      const data = buffer.subarray(0, bytesRead);
      let start = 0;
      let added = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        this.lines.push(this.#toLine(data.subarray(start, nl), this.#end + start));
        added += 1;
        start = nl + 1;
      }
      this.#end += start;
      return added;
    } finally {
      closeSync(fd);
    }
  }

  #readBackwards(fd: number): void {
    const { size } = fstatSync(fd);
    const maxBytes = this.#options.maxBytes ?? 8 * 1024 * 1024;
    const chunkBytes = this.#options.chunkBytes ?? 64 * 1024;
    const reversed: TailLine[] = [];
    let position = size;
    let carry: Buffer = Buffer.alloc(0);
    let endFound = false;
    let stopped = false;
    while (position > 0 && !stopped) {
      if (size - position >= maxBytes) {
        this.truncated = true;
        break;
      }
      const length = Math.min(chunkBytes, position);
      position -= length;
      const chunk = Buffer.allocUnsafe(length);
      readSync(fd, chunk, 0, length, position);
      const data = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let lineEnd = data.length;
      if (!endFound) {
        // Bytes after the last newline are a line still being written.
        const nl = data.lastIndexOf(NEWLINE);
        if (nl === -1) {
          carry = data;
          continue;
        }
        endFound = true;
        this.#end = position + nl + 1;
        lineEnd = nl;
      }
      let nl = lineEnd > 0 ? data.lastIndexOf(NEWLINE, lineEnd - 1) : -1;
      while (nl !== -1) {
        const line = this.#toLine(data.subarray(nl + 1, lineEnd), position + nl + 1);
        reversed.push(line);
        if (this.#isStart(line)) {
          stopped = true;
          break;
        }
        lineEnd = nl;
        nl = lineEnd > 0 ? data.lastIndexOf(NEWLINE, lineEnd - 1) : -1;
      }
      carry = Buffer.from(data.subarray(0, lineEnd));
    }
    if (!stopped && position === 0 && endFound && carry.length > 0) {
      const line = this.#toLine(carry, 0);
      reversed.push(line);
      this.#isStart(line);
    }
    for (let i = reversed.length - 1; i >= 0; i--) this.lines.push(reversed[i]!);
  }

  #isStart(line: TailLine): boolean {
    if (line.entry === undefined || this.#options.isStart === undefined || !this.#options.isStart(line.entry)) return false;
    this.reachedStart = true;
    return true;
  }

  #toLine(bytes: Buffer, offset: number): TailLine {
    const entry = bytes.length === 0 ? undefined : parseTranscriptLine(bytes, this.#options);
    const user = entry !== undefined ? entry.kind !== 'assistant' : !startsWith(bytes, '{"type":"') && bytes.includes(USER_TYPE);
    let messageId = entry?.kind === 'assistant' ? entry.messageId : undefined;
    if (messageId === undefined && !user && bytes.includes(ASSISTANT_TYPE)) messageId = sniffMessageId(bytes);
    return { offset, entry, user, messageId };
  }
}

function sniffMessageId(bytes: Buffer): string | undefined {
  const at = bytes.indexOf(MESSAGE_ID);
  if (at === -1) return undefined;
  const start = at + MESSAGE_ID.length - 4;
  const end = bytes.indexOf('"', start);
  return end === -1 ? undefined : bytes.toString('utf8', start, end);
}
