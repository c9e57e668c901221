import { open } from 'node:fs/promises';

// One read per 64 KiB keeps a capped scan to a handful of syscalls without a large buffer.
const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** Options for {@link countLines}. */
export interface CountLinesOptions {
  /**
   * Read at most this many bytes. A larger file's count is then extrapolated from the scanned
   * part (`precision: 'estimate'`), so the cost stays bounded whatever the file's size.
   * @default Infinity
   */
  readonly maxScanBytes?: number;
  /**
   * Stop as soon as more than this many lines have been seen, for callers that only need "more
   * than N lines?". The count is then an estimate (`precision: 'estimate'`), never below the
   * lines actually seen, so it is still above `stopAbove`.
   * @default Infinity
   */
  readonly stopAbove?: number;
}

/** How far a {@link LineCount} can be trusted. */
export type LineCountPrecision =
  /** The whole file was scanned. */
  | 'exact'
  /**
   * Scanning stopped early (at `maxScanBytes`, or once `stopAbove` was passed): `lines` is the
   * scanned part's line density times the file size, and more than the newlines seen.
   */
  | 'estimate';

/** What {@link countLines} found. */
export interface LineCount {
  /** The file's size in bytes, from `fstat`. */
  readonly bytes: number;
  /** Lines: newlines, plus one for a last line without a newline. See `precision`. */
  readonly lines: number;
  /** How `lines` was obtained. */
  readonly precision: LineCountPrecision;
  /** Bytes actually read. */
  readonly scannedBytes: number;
  /** A NUL byte was seen in the scanned part, so the file is almost certainly not text. */
  readonly binary: boolean;
}

/**
 * Counts a file's lines by streaming it through a fixed 64 KiB buffer, never holding the file in
 * memory. With `maxScanBytes` and `stopAbove` it reads only as much as the question needs.
 *
 * @throws {WhiteboxError} `INPUT_INVALID` when `file` is not a regular file; the `fs` error
 * (`ENOENT`, `EACCES`, ...) when it cannot be opened.
 * @throws {TypeError} on a bad option, naming the value and its type.
 * @example
 * const { lines, precision } = await countLines('big.log', { maxScanBytes: 256 * 1024, stopAbove: 1000 });
 */
export async function countLines(file: string, options: CountLinesOptions = {}): Promise<LineCount> {
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(`Expected \`file\` to be a non-empty string, got \`${String(file)}\` (${typeof file})`);
  }
  const maxScanBytes = checkLimit(options.maxScanBytes, 'maxScanBytes');
  const stopAbove = checkLimit(options.stopAbove, 'stopAbove');

  const handle = await open(file, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      // Loaded lazily: the core barrel evaluates yargs and zod, which the hook's start-up avoids.
      const { WhiteboxError } = await import('./lazy-core.js');
      throw new WhiteboxError('INPUT_INVALID', `${file}: not a regular file (${stats.isDirectory() ? 'a directory' : 'a special file'})`);
    }
    const bytes = stats.size;
    // Reading stops at the size seen by fstat: a file that grows meanwhile is not chased.
    const limit = Math.min(bytes, maxScanBytes);
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK_BYTES, limit)));
    let scanned = 0;
    let newlines = 0;
    let lastByte = -1;
    let binary = false;
    let eof = false;
    while (scanned < limit) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, limit - scanned), scanned);
      if (bytesRead === 0) {
        eof = true;
        break;
      }
      const view = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      // One native split beats a byte loop or a Buffer#indexOf call per newline by 3-6x here: a
      // hook process lives ~80 ms, so this code never gets hot enough for the JIT to catch up.
      newlines += view.toString('latin1').split('\n').length - 1;
      if (!binary && view.includes(0)) binary = true;
      lastByte = view[bytesRead - 1] ?? -1;
      scanned += bytesRead;
      if (newlines > stopAbove && scanned < bytes) break;
    }
    if (eof || scanned >= bytes) {
      const lines = newlines + (scanned > 0 && lastByte !== NEWLINE ? 1 : 0);
      return { bytes, lines, precision: 'exact', scannedBytes: scanned, binary };
    }
    const estimate = scanned === 0 ? 0 : Math.round((newlines / scanned) * bytes);
    // Bytes remain after the scanned part, so there is at least one more line than newlines seen.
    return { bytes, lines: Math.max(estimate, newlines + 1), precision: 'estimate', scannedBytes: scanned, binary };
  } finally {
    await handle.close();
  }
}

function checkLimit(value: number | undefined, name: string): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new TypeError(`Expected \`${name}\` to be a number ≥ 0 or Infinity, got \`${String(value)}\` (${typeof value})`);
  }
  return value;
}
