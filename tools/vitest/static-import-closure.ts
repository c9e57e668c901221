import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What Node loads before a bundled bin runs its first line: the entry and its static chunk imports. */
export interface StaticImportClosure {
  /** Absolute paths, the entry first. */
  readonly files: readonly string[];
  /** Their total size in bytes. */
  readonly bytes: number;
  /** Tells whether any of them bundles the module path `fragment`, e.g. `node_modules/zod/`. */
  readonly bundles: (fragment: string) => boolean;
}

const STATIC_IMPORT = /^import\s+(?:[^'";]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["'];?$/gm;

/**
 * Follows the relative static imports of a bundled entry file: everything Node loads before the
 * entry's first line runs. Dynamic `import()` targets are not followed: they load on demand. A
 * CommonJS entry (`whitebox.leanEntry`) has none, so its closure is the file itself.
 * Hook commands' start-up tests use it to keep heavy libraries out of their first chunk.
 */
export function staticImportClosure(entry: string): StaticImportClosure {
  const seen = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const source = readFileSync(file, 'utf8');
    seen.set(file, source);
    for (const match of source.matchAll(STATIC_IMPORT)) visit(path.resolve(path.dirname(file), match[1]!));
  };
  visit(path.resolve(entry));
  const sources = [...seen.values()];
  return {
    files: [...seen.keys()],
    bytes: sources.reduce((sum, source) => sum + Buffer.byteLength(source), 0),
    // esbuild heads each bundled module with a `// <path>` comment.
    bundles: (fragment) => sources.some((source) => source.split('\n').some((line) => line.startsWith('// ') && line.includes(fragment))),
  };
}
