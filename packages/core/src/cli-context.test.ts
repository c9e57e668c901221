import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTextInput } from './cli-context.js';

const stdin = (text: string, isTTY = false) => Object.assign(Readable.from([Buffer.from(text)]), { isTTY });
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'read-text-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(readTextInput, () => {
  it('joins the words, reads --file against the cwd, and reads stdin for "-"', async () => {
    await writeFile(path.join(dir, 'p.md'), '  from a file \n');
    const context = { cwd: dir, stdin: stdin(' piped ') };
    await expect(readTextInput({ name: 'proposal', words: ['ship', 'it'] }, context)).resolves.toBe('ship it');
    await expect(readTextInput({ name: 'proposal', file: 'p.md' }, context)).resolves.toBe('from a file');
    await expect(readTextInput({ name: 'proposal', words: ['-'] }, context)).resolves.toBe('piped');
  });

  it('reads piped stdin without "-" only when asked to, and never from a terminal', async () => {
    await expect(readTextInput({ name: 'proposal', implicitStdin: true }, { cwd: dir, stdin: stdin('piped') })).resolves.toBe('piped');
    await expect(readTextInput({ name: 'proposal' }, { cwd: dir, stdin: stdin('piped') })).rejects.toThrow(/no proposal: .*"-" for stdin/);
    await expect(readTextInput({ name: 'proposal', implicitStdin: true }, { cwd: dir, stdin: stdin('', true) })).rejects.toThrow(
      /no proposal: .*or on stdin/,
    );
  });

  it('refuses both words and a file, an unreadable file, and empty text, as usage errors', async () => {
    const context = { cwd: dir, stdin: stdin('   ') };
    await expect(readTextInput({ name: 'proposal', words: ['x'], file: 'p.md' }, context)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(readTextInput({ name: 'proposal', file: 'missing.md' }, context)).rejects.toThrow(/--file missing.md: cannot read it \(ENOENT\)/);
    await expect(readTextInput({ name: 'proposal', words: ['-'] }, context)).rejects.toThrow(/the proposal is empty/);
  });
});
