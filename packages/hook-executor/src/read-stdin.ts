/** Largest hook input accepted on stdin. Claude Code's inputs carry tool results, so be generous. */
export const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/** Why stdin could not be read as a hook input. */
export class StdinError extends Error {
  override name = 'StdinError';
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
