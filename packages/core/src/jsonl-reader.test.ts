import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { WhiteboxError } from './errors.js';
import { appendJsonlSync } from './jsonl-appender.js';
import { readJsonl, readJsonlAll } from './jsonl-reader.js';
import type { JsonlEntry, JsonlReadStats } from './jsonl-reader.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whitebox-jsonl-reader-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: string | Buffer): Promise<string> {
  const path = join(dir, 'data.jsonl');
  await writeFile(path, content);
  return path;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe(readJsonl, () => {
  it('yields each record with its 1-based line number', async () => {
    const path = await fileWith('{"a":1}\n[2]\n"three"\nnull\n');
    const reader = readJsonl(path);
    expect(await collect(reader)).toEqual([
      { line: 1, record: { a: 1 } },
      { line: 2, record: [2] },
      { line: 3, record: 'three' },
      { line: 4, record: null },
    ]);
    expect(reader.stats).toEqual<JsonlReadStats>({
      lines: 4,
      records: 4,
      blank: 0,
      malformed: 0,
      malformedLines: [],
      unterminatedLastLine: false,
    });
  });

  it('skips and counts blank and whitespace-only lines, keeping line numbers true', async () => {
    const path = await fileWith('\n{"a":1}\n   \n\t\n{"a":2}\n\n');
    const reader = readJsonl(path);
    expect(await collect(reader)).toEqual([
      { line: 2, record: { a: 1 } },
      { line: 5, record: { a: 2 } },
    ]);
    expect(reader.stats).toMatchObject({ lines: 6, records: 2, blank: 4, malformed: 0 });
  });

  it('accepts CRLF line endings and a leading byte-order mark', async () => {
    const path = await fileWith('\uFEFF{"a":1}\r\n{"b":"x\\r"}\r\n\r\n');
    const reader = readJsonl(path);
    expect(await collect(reader)).toEqual([
      { line: 1, record: { a: 1 } },
      { line: 2, record: { b: 'x\r' } },
    ]);
    expect(reader.stats).toMatchObject({ records: 2, blank: 1, malformed: 0 });
  });

  it('skips malformed lines, counting them with the parser’s reason', async () => {
    const path = await fileWith('{"a":1}\n{"a":\nnot json\n{"a":2}{"a":3}\n{"a":4}\n');
    const reader = readJsonl(path);
    expect((await collect(reader)).map((entry) => entry.line)).toEqual([1, 5]);
    expect(reader.stats).toMatchObject({ lines: 5, records: 2, malformed: 3 });
    expect(reader.stats.malformedLines.map((bad) => bad.line)).toEqual([2, 3, 4]);
    for (const bad of reader.stats.malformedLines) expect(bad.reason).toMatch(/JSON|Unexpected/);
  });

  it('keeps only the first maxMalformedLines malformed lines but counts them all', async () => {
    const path = await fileWith('x\n'.repeat(10) + '{"ok":true}\n');
    const reader = readJsonl(path, { maxMalformedLines: 3 });
    expect(await collect(reader)).toEqual([{ line: 11, record: { ok: true } }]);
    expect(reader.stats.malformed).toBe(10);
    expect(reader.stats.malformedLines.map((bad) => bad.line)).toEqual([1, 2, 3]);
  });

  it('counts a cut-off last line as malformed and flags the missing newline', async () => {
    const path = await fileWith('{"a":1}\n{"a":2,"b":"hal');
    const reader = readJsonl(path);
    expect(await collect(reader)).toEqual([{ line: 1, record: { a: 1 } }]);
    expect(reader.stats).toMatchObject({ lines: 2, records: 1, malformed: 1, unterminatedLastLine: true });
    expect(reader.stats.malformedLines[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/^cut off \(no newline at end of file\)/) });
  });

  it('still yields a complete last record that lacks only its newline', async () => {
    const path = await fileWith('{"a":1}\n{"a":2}');
    const reader = readJsonl(path);
    expect(await collect(reader)).toEqual([
      { line: 1, record: { a: 1 } },
      { line: 2, record: { a: 2 } },
    ]);
    expect(reader.stats).toMatchObject({ malformed: 0, unterminatedLastLine: true });
  });

  it('counts bytes that are not UTF-8 as a malformed line', async () => {
    const torn = Buffer.from('{"s":"é"}', 'utf8').subarray(0, 7); // ends inside the two-byte é
    const path = await fileWith(Buffer.concat([torn, Buffer.from('"}\n{"ok":1}\n')]));
    const reader = readJsonl(path);
    expect(await collect(reader)).toEqual([{ line: 2, record: { ok: 1 } }]);
    expect(reader.stats.malformedLines).toEqual([{ line: 1, reason: 'invalid UTF-8' }]);
  });

  it('reassembles lines far longer than one 64 KiB chunk', async () => {
    const long = { id: 'long', text: 'é✓😀'.repeat(40_000) }; // ~360 KB of multi-byte text
    const path = await fileWith(`{"id":"short"}\n${JSON.stringify(long)}\n{"id":"after"}\n`);
    const reader = readJsonl<{ id: string; text?: string }>(path);
    const entries = await collect(reader);
    expect(entries.map((entry) => entry.record.id)).toEqual(['short', 'long', 'after']);
    expect(entries[1]?.record).toEqual(long);
    expect(reader.stats.malformed).toBe(0);
  });

  it('keeps multi-byte characters whole when chunks split them', async () => {
    const records = Array.from({ length: 40 }, (_, n) => ({ n, s: '😀é'.repeat(n % 7) }));
    const path = await fileWith(records.map((record) => `${JSON.stringify(record)}\r\n`).join(''));
    for (const chunkSize of [1, 3, 5, 64]) {
      const { records: read, stats } = await readJsonlAll(path, { chunkSize });
      expect(read).toEqual(records);
      expect(stats.malformed).toBe(0);
    }
  });

  it('validates records against a zod schema, yielding its output and counting failures', async () => {
    const Run = z.object({ hook: z.string(), ms: z.number().nonnegative(), tags: z.array(z.string()).default([]) });
    const path = await fileWith('{"hook":"lint","ms":4}\n{"hook":"test","ms":-1}\n{"ms":2}\n{"hook":"fmt","ms":1,"tags":["x"]}\n');
    const reader = readJsonl(path, { schema: Run });
    const entries = await collect(reader);
    expectTypeOf(entries).toEqualTypeOf<JsonlEntry<z.output<typeof Run>>[]>();
    expect(entries).toEqual([
      { line: 1, record: { hook: 'lint', ms: 4, tags: [] } },
      { line: 4, record: { hook: 'fmt', ms: 1, tags: ['x'] } },
    ]);
    expect(reader.stats).toMatchObject({ records: 2, malformed: 2 });
    expect(reader.stats.malformedLines[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/^does not match the schema: ms: /) });
    expect(reader.stats.malformedLines[1]).toMatchObject({ line: 3, reason: expect.stringMatching(/^does not match the schema: hook: /) });
  });

  it('throws IO naming the path when the file is missing', async () => {
    const path = join(dir, 'missing.jsonl');
    const error = await collect(readJsonl(path)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'IO', message: `Cannot read JSONL file ${path}: no such file` });
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('reads a missing file as empty under missingOk', async () => {
    const reader = readJsonl(join(dir, 'missing.jsonl'), { missingOk: true });
    expect(await collect(reader)).toEqual([]);
    expect(reader.stats).toMatchObject({ lines: 0, records: 0, malformed: 0 });
  });

  it('throws IO when the path is a directory, even under missingOk', async () => {
    await expect(collect(readJsonl(dir, { missingOk: true }))).rejects.toMatchObject({
      code: 'IO',
      message: expect.stringMatching(new RegExp(`^Cannot read JSONL file .*: EISDIR`)),
    });
  });

  it('stops reading when the loop breaks, with the stats up to that point', async () => {
    const path = await fileWith('{"n":1}\n{"n":2}\n{"n":3}\n');
    const reader = readJsonl(path);
    for await (const entry of reader) {
      if (entry.line === 2) break;
    }
    expect(reader.stats).toMatchObject({ lines: 2, records: 2 });
  });

  it('can be iterated only once', async () => {
    const reader = readJsonl(await fileWith('{}\n'));
    await collect(reader);
    expect(() => reader[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('rejects with the signal’s reason when aborted', async () => {
    const path = await fileWith('{"n":1}\n{"n":2}\n{"n":3}\n');
    const before = new AbortController();
    before.abort(new Error('cancelled before'));
    await expect(collect(readJsonl(path, { signal: before.signal }))).rejects.toThrow('cancelled before');

    const during = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const { line } of readJsonl(path, { signal: during.signal })) {
        seen.push(line);
        during.abort(new Error('cancelled during'));
      }
    })();
    await expect(reading).rejects.toThrow('cancelled during');
    expect(seen).toEqual([1]);
  });

  it.each([
    ['an empty path', () => readJsonl(''), 'Expected `path` to be a non-empty string, got `` (string)'],
    ['a negative maxMalformedLines', () => readJsonl('x', { maxMalformedLines: -1 }), 'Expected `maxMalformedLines` to be an integer >= 0, got `-1` (number)'],
    ['a zero chunkSize', () => readJsonl('x', { chunkSize: 0 }), 'Expected `chunkSize` to be an integer >= 1, got `0` (number)'],
    ['a NaN chunkSize', () => readJsonl('x', { chunkSize: Number.NaN }), 'Expected `chunkSize` to be an integer >= 1, got `NaN` (number)'],
    ['a schema that is not zod', () => readJsonl('x', { schema: {} as z.ZodType }), 'Expected `schema` to be a zod schema, got `[object Object]` (object)'],
  ])('throws a TypeError for %s', (_label, call, message) => {
    expect(call).toThrow(new TypeError(message));
  });
});

describe(readJsonlAll, () => {
  it('returns every record the appender wrote, with the stats', async () => {
    const path = join(dir, 'memory', 'runs.jsonl');
    appendJsonlSync(path, [{ n: 1 }, { n: 2 }]);
    appendJsonlSync(path, { n: 3 });
    const { records, stats } = await readJsonlAll<{ n: number }>(path);
    expect(records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(stats).toMatchObject({ lines: 3, records: 3, malformed: 0, unterminatedLastLine: false });
  });
});
