import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { countLines } from './count-lines.js';

let dir: string;
const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'agent-offload-count-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(countLines, () => {
  it('counts newlines plus one for a last line without a newline', async () => {
    const cases: Array<[string, string, number]> = [
      ['empty.txt', '', 0],
      ['one-newline.txt', '\n', 1],
      ['no-trailing.txt', 'a\nb\nc', 3],
      ['trailing.txt', 'a\nb\nc\n', 3],
      ['crlf.txt', 'a\r\nb\r\n', 2],
      ['blank-lines.txt', '\n\n\n', 3],
    ];
    for (const [name, content, lines] of cases) {
      await writeFile(file(name), content);
      const count = await countLines(file(name));
      expect(count, name).toEqual({
        bytes: Buffer.byteLength(content),
        lines,
        precision: 'exact',
        scannedBytes: Buffer.byteLength(content),
        binary: false,
      });
    }
  });

  it('counts exactly across 64 KiB chunk boundaries', async () => {
    // 30,000 lines of 7 bytes: 210,000 bytes, so four chunks with newlines on both sides of each edge.
    const content = 'line-x\n'.repeat(30_000);
    await writeFile(file('chunks.txt'), content);
    expect(await countLines(file('chunks.txt'))).toMatchObject({ lines: 30_000, precision: 'exact', scannedBytes: 210_000 });
  });

  it('stops once stopAbove is passed and extrapolates from what it read', async () => {
    await writeFile(file('stop.txt'), 'y\n'.repeat(100_000));
    // One 64 KiB chunk of the 200 KB file, not all of it.
    expect(await countLines(file('stop.txt'), { stopAbove: 1000 })).toEqual({
      bytes: 200_000,
      lines: 100_000,
      precision: 'estimate',
      scannedBytes: 64 * 1024,
      binary: false,
    });
  });

  it('answers exactly when the file ends before stopAbove is passed', async () => {
    await writeFile(file('short.txt'), 'z\n'.repeat(999));
    expect(await countLines(file('short.txt'), { stopAbove: 1000 })).toMatchObject({ lines: 999, precision: 'exact' });
  });

  it('extrapolates from the first maxScanBytes of a larger file', async () => {
    // 10-byte lines: the estimate from any prefix is exact.
    await writeFile(file('estimate.txt'), '123456789\n'.repeat(50_000));
    const count = await countLines(file('estimate.txt'), { maxScanBytes: 10_000 });
    expect(count).toEqual({ bytes: 500_000, lines: 50_000, precision: 'estimate', scannedBytes: 10_000, binary: false });
  });

  it('flags NUL bytes as binary', async () => {
    await writeFile(file('binary.bin'), Buffer.from([0x89, 0x50, 0x00, 0x0a, 0x01]));
    expect(await countLines(file('binary.bin'))).toMatchObject({ binary: true, lines: 2 });
  });

  it('rejects a directory with a WhiteboxError naming it', async () => {
    await mkdir(file('a-dir'), { recursive: true });
    const error = await countLines(file('a-dir')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect((error as WhiteboxError).message).toBe(`${file('a-dir')}: not a regular file (a directory)`);
  });

  it('rejects a missing file with the fs error', async () => {
    await expect(countLines(file('missing.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects bad options with a TypeError naming the value and its type', async () => {
    await expect(countLines('')).rejects.toThrow(new TypeError('Expected `file` to be a non-empty string, got `` (string)'));
    await expect(countLines(file('empty.txt'), { maxScanBytes: -1 })).rejects.toThrow(
      new TypeError('Expected `maxScanBytes` to be a number ≥ 0 or Infinity, got `-1` (number)'),
    );
    await expect(countLines(file('empty.txt'), { stopAbove: '5' as unknown as number })).rejects.toThrow(
      new TypeError('Expected `stopAbove` to be a number ≥ 0 or Infinity, got `5` (string)'),
    );
  });
});
