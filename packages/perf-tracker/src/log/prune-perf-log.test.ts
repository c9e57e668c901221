import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { findFileHolders } from './find-file-holders.js';
import { prunePerfLog } from './prune-perf-log.js';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');
const DAY = 86_400_000;
const KEEP = 90 * DAY;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-prune-'));
  file = path.join(dir, 'hook_performance.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (id: string, ts: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, ts: new Date(ts).toISOString(), session_id: 's', event: 'Stop', kind: 'hook', hook: id, duration_ms: 1, outcome: 'ok', runner: 'single', ...extra });

async function ids(): Promise<string[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { hook: string }).hook);
}

describe(prunePerfLog, () => {
  it('drops old records, malformed lines and duplicate imports, and keeps the rest byte for byte', async () => {
    const kept = [
      record('recent-1', NOW - DAY),
      record('future-version', NOW - DAY, { v: 2 }),
      JSON.stringify({ hook: 'undated', note: 'no ts: nothing says it is old' }),
      record('imported', NOW - 2 * DAY, { key: 'import:tool:s:t1', runner: 'import' }),
      record('recent-2', NOW - 89 * DAY),
    ];
    await writeFile(
      file,
      [
        record('old-1', NOW - 91 * DAY),
        kept[0],
        '{"v":1,"ts":"2026-',
        kept[1],
        kept[2],
        kept[3],
        record('imported-again', NOW - 2 * DAY, { key: 'import:tool:s:t1', runner: 'import' }),
        record('old-2', NOW - 400 * DAY),
        '',
        kept[4],
      ].join('\n') + '\n',
    );
    const result = await prunePerfLog({ file, keepMs: KEEP, now: NOW });
    expect(result).toMatchObject({ existed: true, kept: 5, dropped: 2, malformed: 1, duplicates: 1, carriedOver: 0, stragglers: [] });
    expect(await readFile(file, 'utf8')).toBe(`${kept.join('\n')}\n`);
    expect(result.bytesAfter).toBe((await stat(file)).size);
    expect(existsSync(`${file}.rotating`)).toBe(false);
    expect(existsSync(`${file}.prune.lock`)).toBe(false);
  });

  it('archives what it drops when asked', async () => {
    await writeFile(file, `${record('old', NOW - 100 * DAY)}\n${record('new', NOW)}\n`);
    const result = await prunePerfLog({ file, keepMs: KEEP, now: NOW, archive: true });
    expect(result.archive).toBe(path.join(dir, 'hook_performance.archive-2026-11-27.jsonl'));
    expect(await readFile(result.archive!, 'utf8')).toBe(`${record('old', NOW - 100 * DAY)}\n`);
    expect(await ids()).toEqual(['new']);
  });

  it('carries over what a writer appends through a file it opened before the rename', async () => {
    await writeFile(file, `${record('before', NOW)}\n${record('old', NOW - 100 * DAY)}\n`);
    const straggler = openSync(file, 'a');
    let calls = 0;
    const result = await prunePerfLog({
      file,
      keepMs: KEEP,
      now: NOW,
      findHolders: () => {
        calls += 1;
        if (calls === 1) {
          // The rename has happened; this write still lands in the old file.
          writeSync(straggler, `${record('late', NOW)}\n`);
          return [424242];
        }
        closeSync(straggler);
        return [];
      },
    });
    expect(calls).toBe(2);
    expect(result.carriedOver).toBe(1);
    expect(await ids()).toEqual(['before', 'late']);
  });

  it('leaves the old file for the next prune when a writer keeps it open, and loses nothing', async () => {
    await writeFile(file, `${record('a', NOW)}\n`);
    const holder = openSync(file, 'a');
    try {
      const first = await prunePerfLog({ file, keepMs: KEEP, now: NOW, drainTimeoutMs: 20, findHolders: () => [424242] });
      expect(first.stragglers).toEqual([424242]);
      expect(existsSync(`${file}.rotating`)).toBe(true);
      writeSync(holder, `${record('written-late', NOW)}\n`);
      writeSync(holder, '{"torn":');
    } finally {
      closeSync(holder);
    }
    const second = await prunePerfLog({ file, keepMs: KEEP, now: NOW, findHolders: () => [] });
    expect(second.stragglers).toEqual([]);
    expect(existsSync(`${file}.rotating`)).toBe(false);
    expect(existsSync(`${file}.rotating.offset`)).toBe(false);
    // The torn tail was merged as a line of its own (sealed with a newline), then pruned as malformed.
    expect(second).toMatchObject({ carriedOver: 2, kept: 2, malformed: 1 });
    expect(await readFile(file, 'utf8')).toBe(`${record('a', NOW)}\n${record('written-late', NOW)}\n`);
  });

  it('loses and duplicates nothing while writer processes append concurrently', async () => {
    const old = Array.from({ length: 2000 }, (_, i) => record(`old-${i}`, Date.now() - 200 * DAY));
    const recent = Array.from({ length: 500 }, (_, i) => record(`recent-${i}`, Date.now() - DAY));
    await writeFile(file, `${[...old, ...recent].join('\n')}\n`);
    const WRITERS = 3;
    const LINES = 3000;
    // Each writer appends the way core's appendJsonlSync does: open, one write, close.
    const script = `
      const fs = require('node:fs');
      const [file, id, count] = process.argv.slice(1);
      let i = 0;
      const step = () => {
        for (let n = 0; n < 50 && i < Number(count); n++, i++) {
          const fd = fs.openSync(file, 'a');
          fs.writeSync(fd, JSON.stringify({ v: 1, ts: new Date().toISOString(), session_id: 's', event: 'Stop', kind: 'hook', hook: id + '-' + i, duration_ms: 1, outcome: 'ok', runner: 'single' }) + '\\n');
          fs.closeSync(fd);
        }
        if (i < Number(count)) setImmediate(step);
      };
      step();`;
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['-e', script, file, `w${w}`, String(LINES)], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('exit', resolve);
      }),
    );
    let running = true;
    const done = Promise.all(writers).finally(() => (running = false));
    let prunes = 0;
    let carried = 0;
    while (running) {
      const result = await prunePerfLog({ file, keepMs: KEEP });
      prunes += 1;
      carried += result.carriedOver;
      // A prune with nothing to wait for settles in microtasks: let the writers' exits through.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await done).toEqual(Array.from({ length: WRITERS }, () => 0));
    const final = await prunePerfLog({ file, keepMs: KEEP });
    expect(final.duplicates + final.malformed).toBe(0);

    const seen = await ids();
    const expected = [...recent.map((_, i) => `recent-${i}`), ...Array.from({ length: WRITERS * LINES }, (_, n) => `w${Math.floor(n / LINES)}-${n % LINES}`)];
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set(expected));
    // Writers take longer to start than a prune takes to run, so several prunes overlapped them
    // (typically 5–7, carrying over hundreds of lines appended mid-prune).
    expect(prunes).toBeGreaterThanOrEqual(2);
    expect(carried).toBeLessThanOrEqual(WRITERS * LINES);
  });

  it('refuses to run beside another prune, and takes over a stale lock', async () => {
    await writeFile(file, `${record('a', NOW)}\n`);
    await writeFile(`${file}.prune.lock`, String(process.pid));
    await expect(prunePerfLog({ file, keepMs: KEEP, now: NOW })).rejects.toThrow(WhiteboxError);
    await expect(prunePerfLog({ file, keepMs: KEEP, now: NOW })).rejects.toThrow(`Another prune (pid ${process.pid})`);
    await writeFile(`${file}.prune.lock`, '2147483646');
    await expect(prunePerfLog({ file, keepMs: KEEP, now: NOW })).resolves.toMatchObject({ kept: 1 });
  });

  it('reports a missing log and rejects bad options', async () => {
    await expect(prunePerfLog({ file, keepMs: KEEP })).resolves.toMatchObject({ existed: false, kept: 0 });
    await expect(prunePerfLog({ file, keepMs: 0 })).rejects.toThrow('`keepMs`');
    await expect(prunePerfLog({ file: '', keepMs: KEEP })).rejects.toThrow('`file`');
  });
});

describe(findFileHolders, () => {
  it('finds a process that holds the file open, and forgets it once closed', async () => {
    await writeFile(file, '');
    const { dev, ino } = await stat(file);
    const child = spawn(process.execPath, ['-e', 'const fs = require("node:fs"); fs.openSync(process.argv[1], "r"); process.stdout.write("open\\n"); setInterval(() => {}, 1000)', file], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    try {
      expect(findFileHolders(dev, ino)).toContain(child.pid);
    } finally {
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(findFileHolders(dev, ino)).not.toContain(child.pid);
    expect(findFileHolders(dev, ino, path.join(dir, 'no-proc'))).toBeUndefined();
  });
});
