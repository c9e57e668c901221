import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forEachJsonLine } from './for-each-json-line.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-lines-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(forEachJsonLine, () => {
  it('yields every JSON line across chunk boundaries, counting blank and malformed ones', async () => {
    const file = path.join(dir, 'a.jsonl');
    await writeFile(file, '\uFEFF{"a":"ünïcödé ✓"}\r\n\n   \n{"b":2}\nnot json\n[1]\n{"cut":');
    const values: unknown[] = [];
    for (const chunkSize of [1, 3, 7, 1 << 20]) {
      values.length = 0;
      const stats = await forEachJsonLine(file, (v) => values.push(v), { chunkSize });
      expect(values).toEqual([{ a: 'ünïcödé ✓' }, { b: 2 }, [1]]);
      expect(stats).toEqual({ exists: true, lines: 7, blank: 2, malformed: 2 });
    }
  });

  it('reads a missing file as empty, and a folder as an IO error', async () => {
    expect(await forEachJsonLine(path.join(dir, 'none'), () => undefined)).toEqual({ exists: false, lines: 0, blank: 0, malformed: 0 });
    await expect(forEachJsonLine(dir, () => undefined)).rejects.toThrow(`Cannot read ${dir}`);
  });

  it('stops when its signal aborts', async () => {
    const file = path.join(dir, 'b.jsonl');
    await writeFile(file, '{}\n'.repeat(10));
    const controller = new AbortController();
    let seen = 0;
    const reading = forEachJsonLine(
      file,
      () => {
        seen += 1;
        controller.abort(new Error('stop'));
      },
      { chunkSize: 3, signal: controller.signal },
    );
    await expect(reading).rejects.toThrow('stop');
    expect(seen).toBe(1);
  });
});
