import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readStdin, StdinError } from './read-stdin.js';

const stream = (chunks: string[], isTTY = false) => Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { isTTY });

describe(readStdin, () => {
  it('joins every chunk as UTF-8, multi-byte characters split across chunks included', async () => {
    const euro = Buffer.from('€');
    const parts = [Buffer.from('{"a":"'), euro.subarray(0, 1), euro.subarray(1), Buffer.from('"}')];
    await expect(readStdin(Object.assign(Readable.from(parts), { isTTY: false }))).resolves.toBe('{"a":"€"}');
  });

  it('refuses a terminal instead of waiting forever for input nobody pipes', async () => {
    await expect(readStdin(stream([], true))).rejects.toThrow(/stdin is a terminal/);
  });

  it('stops at the byte limit with an INPUT_INVALID error rather than reading everything', async () => {
    const error = await readStdin(stream(['12345', '67890']), 8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StdinError);
    expect(error).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringMatching(/larger than 8 bytes/) });
  });
});
