import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeValue } from '@whitebox/core';

/** Options for {@link expandPaths}. */
export interface ExpandPathsOptions {
  /** Relative patterns resolve against this directory. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Directory names never entered by `**` or a directory argument, unless a pattern names them
   * literally. Dot-directories are skipped too, as in every shell glob.
   * @default ['node_modules']
   */
  readonly ignore?: readonly string[];
}

/** What {@link expandPaths} found. */
export interface ExpandPathsResult {
  /** Matching regular files, sorted and without duplicates, relative when the pattern was. */
  readonly files: string[];
  /** The patterns (and plain paths) that matched no file, in input order. */
  readonly unmatched: string[];
}

const GLOB_CHARS = /[*?[{]/;

/**
 * Expands files, directories and glob patterns into a list of files. A small walker because the
 * project targets Node 20, where `fs.glob` does not exist yet, and no glob library is a dependency.
 *
 * Supported: `*` and `?` within a path segment, `[abc]`/`[a-z]`/`[!a]` classes, `**` for any
 * number of directories, and `{a,b}` alternatives (nested too). A directory argument means every
 * file under it. Wildcards do not match a leading dot, symlinked directories are not followed
 * (no cycles), and `ignore` names are skipped. Not supported: extglobs (`+(a|b)`), negation
 * patterns, and backslash escapes.
 *
 * @throws {TypeError} when `patterns` is not an array of non-empty strings.
 * @example
 * const { files } = await expandPaths(['packages/*\/src/**\/*.ts', 'README.md']);
 */
export async function expandPaths(patterns: readonly string[], options: ExpandPathsOptions = {}): Promise<ExpandPathsResult> {
  if (!Array.isArray(patterns)) throw new TypeError(`Expected \`patterns\` to be an array, got ${describeValue(patterns)}`);
  for (const [i, pattern] of patterns.entries()) {
    if (typeof pattern !== 'string' || pattern === '') {
      throw new TypeError(`Expected patterns[${i}] to be a non-empty string, got ${describeValue(pattern)}`);
    }
  }
  const cwd = options.cwd ?? process.cwd();
  const ignore = new Set(options.ignore ?? ['node_modules']);
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const found = new Set<string>();
    for (const alternative of expandBraces(pattern)) await expandOne(alternative, cwd, ignore, found);
    if (found.size === 0) unmatched.push(pattern);
    for (const file of found) files.add(file);
  }
  return { files: [...files].sort(), unmatched };
}

async function expandOne(pattern: string, cwd: string, ignore: ReadonlySet<string>, out: Set<string>): Promise<void> {
  if (!GLOB_CHARS.test(pattern)) {
    const stats = await stat(path.resolve(cwd, pattern)).catch(() => undefined);
    if (stats?.isFile()) out.add(path.normalize(pattern));
    else if (stats?.isDirectory()) await walkAll(pattern, cwd, ignore, out);
    return;
  }
  const segments = pattern.split('/').filter((segment) => segment !== '' && segment !== '.');
  // Leading literal segments are a plain directory to start from.
  let start = path.isAbsolute(pattern) ? path.sep : '';
  let i = 0;
  while (i < segments.length - 1 && !GLOB_CHARS.test(segments[i]!)) {
    start = join(start, segments[i]!);
    i++;
  }
  await walkPattern(start, segments.slice(i), cwd, ignore, out);
}

async function walkPattern(
  dir: string,
  segments: readonly string[],
  cwd: string,
  ignore: ReadonlySet<string>,
  out: Set<string>,
): Promise<void> {
  const [segment, ...rest] = segments;
  if (segment === undefined) return;
  if (segment === '**') {
    if (rest.length === 0) return walkAll(dir, cwd, ignore, out);
    await walkPattern(dir, rest, cwd, ignore, out);
    for (const entry of await listDir(dir, cwd)) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !ignore.has(entry.name)) {
        await walkPattern(join(dir, entry.name), segments, cwd, ignore, out);
      }
    }
    return;
  }
  if (!GLOB_CHARS.test(segment)) {
    const next = join(dir, segment);
    if (rest.length > 0) return walkPattern(next, rest, cwd, ignore, out);
    const stats = await stat(path.resolve(cwd, next)).catch(() => undefined);
    if (stats?.isFile()) out.add(next);
    return;
  }
  const matcher = compileSegment(segment);
  for (const entry of await listDir(dir, cwd)) {
    if (!matcher.test(entry.name)) continue;
    const next = join(dir, entry.name);
    if (rest.length > 0) {
      if (entry.isDirectory()) await walkPattern(next, rest, cwd, ignore, out);
    } else if (await isFile(entry, next, cwd)) {
      out.add(next);
    }
  }
}

async function walkAll(dir: string, cwd: string, ignore: ReadonlySet<string>, out: Set<string>): Promise<void> {
  for (const entry of await listDir(dir, cwd)) {
    if (entry.name.startsWith('.')) continue;
    const next = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!ignore.has(entry.name)) await walkAll(next, cwd, ignore, out);
    } else if (await isFile(entry, next, cwd)) {
      out.add(next);
    }
  }
}

async function listDir(dir: string, cwd: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(path.resolve(cwd, dir || '.'), { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

async function isFile(entry: Dirent, relative: string, cwd: string): Promise<boolean> {
  if (entry.isFile()) return true;
  // A symlink to a file counts; a symlink to a directory is not followed.
  if (!entry.isSymbolicLink()) return false;
  const stats = await stat(path.resolve(cwd, relative)).catch(() => undefined);
  return stats?.isFile() === true;
}

function join(dir: string, name: string): string {
  return dir === '' ? name : path.join(dir, name);
}

/**
 * Compiles one path segment of a glob (`*.ts`, `file?.[jt]s`) into an anchored regular expression.
 * Wildcards do not match a leading dot unless the segment itself starts with one.
 */
export function compileSegment(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else {
      source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  const dotGuard = segment.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${dotGuard}${source}$`);
}

/**
 * Expands `{a,b}` alternatives, nested ones included: `src/{a,b{1,2}}.ts` gives `src/a.ts`,
 * `src/b1.ts`, `src/b2.ts`. A brace without a comma at its level is kept literally.
 */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open === -1) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) {
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        if (commas.length === 0) return expandBraces(tail).map((rest) => `${head}{${pattern.slice(open + 1, i)}}${rest}`);
        const bounds = [open, ...commas, i];
        const options = bounds.slice(0, -1).map((from, k) => pattern.slice(from + 1, bounds[k + 1]));
        return options.flatMap((option) => expandBraces(`${head}${option}${tail}`));
      }
    } else if (char === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}
