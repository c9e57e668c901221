import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WhiteboxError } from './errors.js';
import { appendJsonl, appendJsonlSync, createJsonlAppender } from './jsonl-appender.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles a test-fixtures script with the TypeScript it imports into one plain .mjs in `outDir`.
 * Child processes cannot load TypeScript, and bundling once starts each of them several times
 * faster than `node --import tsx` would, which matters with 50 of them on 2 cores.
 */
async function bundleFixture(name: string, outDir: string): Promise<string> {
  const outfile = join(outDir, name);
  await build({
    entryPoints: [join(packageRoot, 'test-fixtures', name)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  return outfile;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whitebox-jsonl-appender-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (path: string): Promise<string[]> => (await readFile(path, 'utf8')).split('\n');

function circular(): unknown {
  const node: Record<string, unknown> = { name: 'loop' };
  node['self'] = node;
  return node;
}

/** Values JSON.stringify refuses, with what the error should say about each. */
const unserializable: [string, unknown, RegExp][] = [
  ['undefined', undefined, /expected a JSON value, got undefined/],
  ['a function', () => 1, /expected a JSON value, got function/],
  ['a symbol', Symbol('s'), /expected a JSON value, got symbol/],
  ['a BigInt', { n: 10n }, /BigInt/],
  ['a circular object', circular(), /circular/i],
];

describe(appendJsonlSync, () => {
  it('writes each record as one JSON line, creating missing parent directories', async () => {
    const path = join(dir, '.claude', 'memory', 'runs.jsonl');
    appendJsonlSync(path, { hook: 'lint', ms: 412 });
    appendJsonlSync(path, 'a string is a record too');
    expect(await lines(path)).toEqual(['{"hook":"lint","ms":412}', '"a string is a record too"', '']);
  });

  it('appends after existing content instead of replacing it', async () => {
    const path = join(dir, 'runs.jsonl');
    await writeFile(path, '{"old":true}\n');
    appendJsonlSync(path, { new: true });
    expect(await lines(path)).toEqual(['{"old":true}', '{"new":true}', '']);
  });

  it('writes an array as a batch of whole lines, and a wrapped array as one record', async () => {
    const path = join(dir, 'runs.jsonl');
    appendJsonlSync(path, [{ a: 1 }, { b: 'line\nbreak' }, null]);
    appendJsonlSync(path, [[1, 2]]);
    expect(await lines(path)).toEqual(['{"a":1}', '{"b":"line\\nbreak"}', 'null', '[1,2]', '']);
  });

  it('does nothing for an empty batch, not even create the file', () => {
    const path = join(dir, 'sub', 'runs.jsonl');
    appendJsonlSync(path, []);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
  });

  it.each(unserializable)('rejects %s with INPUT_INVALID naming the file', (_label, value, reason) => {
    const path = join(dir, 'runs.jsonl');
    const error = catchError(() => appendJsonlSync(path, value));
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'INPUT_INVALID' });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(reason);
    expect(existsSync(path)).toBe(false);
  });

  it('writes nothing of a batch when any record is bad, and names which one', async () => {
    const path = join(dir, 'runs.jsonl');
    await writeFile(path, '{"before":1}\n');
    const error = catchError(() => appendJsonlSync(path, [{ ok: 1 }, { ok: 2 }, { bad: 1n }]));
    expect(error).toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('record 2 of 3') });
    expect(await readFile(path, 'utf8')).toBe('{"before":1}\n');
  });

  it('refuses serialized text that contains a raw line break', () => {
    const path = join(dir, 'runs.jsonl');
    vi.spyOn(JSON, 'stringify').mockReturnValue('{"a":\n1}');
    expect(() => appendJsonlSync(path, { a: 1 })).toThrow(/raw line break/);
    expect(existsSync(path)).toBe(false);
  });

  it('throws IO naming the path when the file cannot be opened', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, '');
    const path = join(blocker, 'runs.jsonl');
    const error = catchError(() => appendJsonlSync(path, { a: 1 }));
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'IO', message: expect.stringContaining(`Cannot open ${path} for appending`) });
    expect((error as Error).cause).toMatchObject({ code: 'ENOTDIR' });
  });

  it('throws a TypeError naming a bad path', () => {
    expect(() => appendJsonlSync('', {})).toThrow(new TypeError('Expected `path` to be a non-empty string, got `` (string)'));
    expect(() => appendJsonlSync(42 as unknown as string, {})).toThrow(/got `42` \(number\)/);
  });
});

describe(appendJsonl, () => {
  it('appends records and batches as whole lines, creating parent directories', async () => {
    const path = join(dir, 'a', 'b', 'runs.jsonl');
    await appendJsonl(path, { first: true });
    await appendJsonl(path, [{ second: true }, { third: 'é✓' }]);
    expect(await lines(path)).toEqual(['{"first":true}', '{"second":true}', '{"third":"é✓"}', '']);
  });

  it('rejects an unserializable record before opening the file', async () => {
    const path = join(dir, 'runs.jsonl');
    await expect(appendJsonl(path, [{ ok: 1 }, circular()])).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(existsSync(path)).toBe(false);
  });

  it('rejects with IO naming the path when the target is a directory', async () => {
    await expect(appendJsonl(dir, { a: 1 })).rejects.toMatchObject({
      name: 'WhiteboxError',
      code: 'IO',
      message: expect.stringContaining(dir),
    });
  });
});

describe(createJsonlAppender, () => {
  it('creates the file up front and appends every call in order', async () => {
    const path = join(dir, 'memory', 'events.jsonl');
    const appender = createJsonlAppender<{ n: number }>(path);
    expect(existsSync(path)).toBe(true);
    for (let n = 0; n < 5; n += 1) appender.append({ n });
    appender.append([{ n: 5 }, { n: 6 }]);
    appender.close();
    expect(await lines(path)).toEqual([...Array.from({ length: 7 }, (_, n) => `{"n":${n}}`), '']);
  });

  it('stays usable after rejecting a bad record', async () => {
    const path = join(dir, 'events.jsonl');
    const appender = createJsonlAppender(path);
    expect(() => appender.append(undefined)).toThrow(WhiteboxError);
    appender.append({ after: true });
    appender.close();
    expect(await readFile(path, 'utf8')).toBe('{"after":true}\n');
  });

  it('refuses to append once closed, and closes only once', () => {
    const appender = createJsonlAppender(join(dir, 'events.jsonl'));
    expect(appender.closed).toBe(false);
    appender.close();
    appender.close();
    expect(appender.closed).toBe(true);
    expect(() => appender.append({ late: true })).toThrow(/appender is closed/);
  });

  it('throws IO when the file cannot be opened', async () => {
    await writeFile(join(dir, 'file'), '');
    expect(() => createJsonlAppender(join(dir, 'file', 'events.jsonl'))).toThrow(WhiteboxError);
  });
});

describe.runIf(process.platform === 'linux')('appending at a file-size limit', () => {
  it.each(['sync', 'async'])('reports a short %s write as IO instead of carrying on', async (mode) => {
    const path = join(dir, 'runs.jsonl');
    await writeFile(path, `${'x'.repeat(1_000)}\n`);
    // 4 blocks is 2 or 4 KiB depending on the shell; a 5 KB record straddles the limit either way,
    // so the kernel takes part of it and refuses the rest, as a full disk would. Node ignores SIGXFSZ.
    const { stdout } = await run('/bin/sh', [
      '-c',
      'ulimit -f 4 && exec "$@"',
      'sh',
      process.execPath,
      await bundleFixture('jsonl-append-once.mjs', dir),
      path,
      mode,
      '5000',
    ]);
    const outcome = JSON.parse(stdout) as { ok: boolean; name: string; code: string; message: string };
    expect(outcome).toMatchObject({ ok: false, name: 'WhiteboxError', code: 'IO' });
    expect(outcome.message).toMatch(new RegExp(`^Short write to ${escapeRegExp(path)}: \\d+ of 5011 bytes were written`));
  });
});

describe('appending from many processes at once', () => {
  const WRITERS = 50;
  const RECORDS = 2_000;
  const MODES = ['sync', 'appender', 'batch'] as const;

  it(
    `keeps every line whole with ${WRITERS} writer processes × ${RECORDS} records`,
    async () => {
      const path = join(dir, 'shared.jsonl');
      const script = await bundleFixture('jsonl-writer.mjs', dir);
      const writers = Array.from({ length: WRITERS }, (_, id) =>
        startWriter([script, path, String(id), String(RECORDS), MODES[id % MODES.length]!]),
      );
      // Release every writer at the same moment, so that they all append during the same interval.
      await Promise.all(writers.map((writer) => writer.ready));
      for (const writer of writers) writer.go();
      await Promise.all(writers.map((writer) => writer.done));

      const text = await readFile(path, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const all = text.slice(0, -1).split('\n');
      expect(all).toHaveLength(WRITERS * RECORDS);

      const seen = Array.from({ length: WRITERS }, () => new Uint8Array(RECORDS));
      let padded = 0;
      let foreign = 0;
      let switches = 0;
      let previous = -1;
      const torn: string[] = [];
      for (const line of all) {
        let record: { writer: number; seq: number; text: string; pad?: string };
        try {
          record = JSON.parse(line) as typeof record;
        } catch {
          torn.push(line.slice(0, 80));
          continue;
        }
        if (record.text !== 'é✓ multi-byte') foreign += 1;
        seen[record.writer]![record.seq]! += 1;
        if (record.pad !== undefined) padded += 1;
        if (record.writer !== previous) switches += 1;
        previous = record.writer;
      }
      expect(torn).toEqual([]);
      expect(foreign).toBe(0);
      expect(seen.every((seqs) => seqs.every((times) => times === 1))).toBe(true);
      expect(padded).toBe(WRITERS * (RECORDS / 50));
      // Writers running one after another would leave exactly one run of lines each.
      expect(switches).toBeGreaterThan(WRITERS);
    },
    90_000,
  );
});

interface Writer {
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  go(): void;
}

function startWriter(args: string[]): Writer {
  const child = spawn(process.execPath, args, { cwd: packageRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) resolve();
    });
    child.once('exit', () => reject(new Error(`writer exited before it was ready: ${stderr}`)));
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`writer ${args.join(' ')} exited with ${code ?? signal}: ${stderr}`));
    });
  });
  ready.catch(() => undefined);
  return { ready, done, go: () => child.stdin.end('go\n') };
}

function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: packageRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${command} exited with ${code}: ${stderr}`));
    });
  });
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
