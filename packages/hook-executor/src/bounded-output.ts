/**
 * Collects a stream's bytes up to a limit and counts the rest without keeping them, so a hook that
 * prints 100 MB costs the executor `limit` bytes of memory, not 100 MB.
 */
export class BoundedOutput {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #total = 0;

  /** @param limit - Bytes to keep; everything after is counted and dropped. */
  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new TypeError(`Expected \`limit\` to be an integer ≥ 0, got \`${String(limit)}\` (${typeof limit})`);
    }
  }

  /** Bytes seen so far, kept or not. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Whether bytes were dropped. */
  get truncated(): boolean {
    return this.#total > this.#kept;
  }

  /** Adds a chunk; the part past the limit is only counted. */
  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#total += bytes.length;
    const room = this.limit - this.#kept;
    if (room <= 0) return;
    // Copy the kept part: a view would pin the stream's whole 64 KiB chunk.
    const kept = bytes.length <= room ? bytes : Buffer.from(bytes.subarray(0, room));
    this.#chunks.push(kept);
    this.#kept += kept.length;
  }

  /**
   * The kept bytes as UTF-8. Invalid sequences become U+FFFD, as any UTF-8 reader does; when the
   * limit cut a character in two, the partial character is dropped rather than garbled.
   */
  text(): string {
    let bytes = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    if (this.truncated) bytes = bytes.subarray(0, completeUtf8Length(bytes));
    return bytes.toString('utf8');
  }
}

/** The length of `bytes` without a trailing incomplete UTF-8 sequence. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  // A UTF-8 character is at most 4 bytes: look back at most 3 continuation bytes for its lead byte.
  for (let back = 1; back <= Math.min(4, end); back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? end - back : end;
  }
  return end;
}
