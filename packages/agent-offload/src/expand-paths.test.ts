import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSegment, expandBraces, expandPaths } from './expand-paths.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'agent-offload-expand-'));
  const files = [
    'README.md',
    'packages/core/src/index.ts',
    'packages/core/src/errors.ts',
    'packages/core/src/errors.test.ts',
    'packages/core/src/deep/nested/util.ts',
    'packages/core/src/.hidden.ts',
    'packages/core/README.md',
    'packages/cli/src/cli.ts',
    'packages/cli/src/cli.js',
    'packages/cli/node_modules/dep/index.ts',
    'packages/cli/.cache/stale.ts',
    'notes/a1.txt',
    'notes/a2.txt',
    'notes/b1.txt',
  ];
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), `// ${file}\n`);
  }
  // A symlinked directory that points back up would loop forever if followed.
  await symlink(path.join(dir, 'packages'), path.join(dir, 'packages', 'core', 'src', 'loop'));
  await symlink(path.join(dir, 'README.md'), path.join(dir, 'notes', 'link.txt'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const expand = (...patterns: string[]) => expandPaths(patterns, { cwd: dir });

describe(expandPaths, () => {
  it('expands * within one segment', async () => {
    expect((await expand('packages/*/src/*.ts')).files).toEqual([
      'packages/cli/src/cli.ts',
      'packages/core/src/errors.test.ts',
      'packages/core/src/errors.ts',
      'packages/core/src/index.ts',
    ]);
  });

  it('expands ** across directories, skipping dot-entries, node_modules and symlinked directories', async () => {
    expect((await expand('packages/**/*.ts')).files).toEqual([
      'packages/cli/src/cli.ts',
      'packages/core/src/deep/nested/util.ts',
      'packages/core/src/errors.test.ts',
      'packages/core/src/errors.ts',
      'packages/core/src/index.ts',
    ]);
  });

  it('matches ** as zero directories too', async () => {
    expect((await expand('packages/core/src/**/index.ts')).files).toEqual(['packages/core/src/index.ts']);
  });

  it('supports ?, character classes, negated classes and braces', async () => {
    expect((await expand('notes/a?.txt')).files).toEqual(['notes/a1.txt', 'notes/a2.txt']);
    expect((await expand('notes/[ab]1.txt')).files).toEqual(['notes/a1.txt', 'notes/b1.txt']);
    expect((await expand('notes/[!a]?.txt')).files).toEqual(['notes/b1.txt']);
    expect((await expand('packages/cli/src/cli.{ts,js}')).files).toEqual(['packages/cli/src/cli.js', 'packages/cli/src/cli.ts']);
  });

  it('takes plain files and whole directories, and follows a symlink to a file', async () => {
    expect((await expand('./README.md', 'notes')).files).toEqual(['README.md', 'notes/a1.txt', 'notes/a2.txt', 'notes/b1.txt', 'notes/link.txt']);
  });

  it('matches a dot-file only when the pattern starts with a dot, or names it', async () => {
    expect((await expand('packages/core/src/*')).files).not.toContain('packages/core/src/.hidden.ts');
    expect((await expand('packages/core/src/.*.ts')).files).toEqual(['packages/core/src/.hidden.ts']);
    expect((await expand('packages/cli/node_modules/dep/index.ts')).files).toEqual(['packages/cli/node_modules/dep/index.ts']);
  });

  it('reports the arguments that matched nothing and removes duplicates', async () => {
    const result = await expand('README.md', 'missing.md', '*.md', 'nowhere/**/*.ts');
    expect(result).toEqual({ files: ['README.md'], unmatched: ['missing.md', 'nowhere/**/*.ts'] });
  });

  it('keeps absolute patterns absolute', async () => {
    expect((await expandPaths([path.join(dir, 'notes', 'b*.txt')])).files).toEqual([path.join(dir, 'notes', 'b1.txt')]);
  });

  it('rejects patterns that are not non-empty strings', async () => {
    await expect(expandPaths('*.ts' as unknown as string[])).rejects.toThrow(new TypeError('Expected `patterns` to be an array, got string "*.ts"'));
    await expect(expandPaths(['a', ''])).rejects.toThrow(new TypeError('Expected patterns[1] to be a non-empty string, got string ""'));
  });
});

describe(compileSegment, () => {
  it('anchors the match and escapes regex characters', () => {
    expect(compileSegment('*.ts').test('a.ts')).toBe(true);
    expect(compileSegment('*.ts').test('a.tsx')).toBe(false);
    expect(compileSegment('*.ts').test('.a.ts')).toBe(false);
    expect(compileSegment('a+b(1).md').test('a+b(1).md')).toBe(true);
    expect(compileSegment('a+b(1).md').test('aab1.md')).toBe(false);
    expect(compileSegment('[a-c]?').test('bz')).toBe(true);
    expect(compileSegment('[').test('[')).toBe(true);
  });
});

describe(expandBraces, () => {
  it('expands nested alternatives and keeps braces without a comma', () => {
    expect(expandBraces('src/{a,b{1,2}}.ts')).toEqual(['src/a.ts', 'src/b1.ts', 'src/b2.ts']);
    expect(expandBraces('{x,y}/{1,2}')).toEqual(['x/1', 'x/2', 'y/1', 'y/2']);
    expect(expandBraces('a{b}c')).toEqual(['a{b}c']);
    expect(expandBraces('no-braces')).toEqual(['no-braces']);
  });
});
