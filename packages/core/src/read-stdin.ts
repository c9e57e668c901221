import { readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { WhiteboxError } from './errors.js';

/*
 * Reading a hook's stdin, shared by every hook command. Kept free of zod and yargs so a hook's
 * start-up pays only for node:fs.
 */

/** Largest hook input accepted on stdin. Claude Code's inputs carry tool results, so be generous. */
export const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/** Why stdin could not be read as a hook input: a terminal, or more than the limit. */
export class StdinError extends WhiteboxError {
  override name = 'StdinError';

  /** @param message - What was wrong with stdin. */
  constructor(message: string) {
    super('INPUT_INVALID', message);
  }
}

/**
 * Reads all of stdin as UTF-8, refusing more than `maxBytes` (the rest is not read into memory) and
 * refusing a terminal, where a person forgot to pipe the input and would otherwise wait forever.
 *
 * @throws {StdinError} For a terminal or an input over `maxBytes`.
 */
export async function readStdin(
  stream: NodeJS.ReadableStream & { readonly isTTY?: boolean },
  maxBytes = MAX_STDIN_BYTES,
): Promise<string> {
  if (stream.isTTY === true) {
    throw new StdinError('stdin is a terminal; pipe the hook input JSON in, as Claude Code does');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > maxBytes) {
      throw new StdinError(`stdin is larger than ${maxBytes} bytes; expected one hook input JSON object`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads all of file descriptor 0 synchronously, as {@link readStdin} does, without creating
 * `process.stdin` (setting up that stream costs a few milliseconds of a hook's start-up).
 * Returns `undefined` when stdin cannot be read that way (a non-blocking pipe answering EAGAIN);
 * use {@link readStdin} then.
 *
 * @throws {StdinError} For a terminal or an input over `maxBytes`.
 */
export function readStdinSync(maxBytes = MAX_STDIN_BYTES): string | undefined {
  if (isatty(0)) throw new StdinError('stdin is a terminal; pipe the hook input JSON in, as Claude Code does');
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(65_536);
    let read: number;
    try {
      read = readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && total === 0) return undefined;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw error;
    }
    if (read === 0) break;
    total += read;
    if (total > maxBytes) throw new StdinError(`stdin is larger than ${maxBytes} bytes; expected one hook input JSON object`);
    chunks.push(chunk.subarray(0, read));
  }
  return Buffer.concat(chunks).toString('utf8');
}
