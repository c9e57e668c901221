/**
 * An esbuild plugin that points named imports of a Whitebox package (`import { readStdin } from
 * '@whitebox/core'`) at the module that defines each name, the way Next.js's
 * `optimizePackageImports` does for npm barrels.
 *
 * Why: with code splitting, esbuild assigns a module to a chunk by the entry points whose import
 * graph reaches it, and a barrel reaches every module it re-exports. One import of a 2 KB helper
 * from `@whitebox/core` thus made a hook's hot entry load the chunk holding zod and yargs, 1 MB
 * and about 70 ms. Tree shaking alone cannot fix that; importing from the defining module can.
 *
 * Only `export { a, b as c } from './x.js'` lines of the barrel are followed, which is the only
 * form our curated `index.ts` files use; any name not found that way keeps its barrel import, so
 * the plugin can make a bundle leaner but never wrong.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin, PluginBuild } from 'esbuild';

const IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"](@whitebox\/[\w-]+)['"];?/g;
const REEXPORT = /export\s+(type\s+)?\{([^}]*)\}\s*from\s*['"](\.[^'"]+)['"]/g;
const WORKSPACE_SOURCE = /[\\/](?:packages|tools)[\\/].+\.[cm]?ts$/;

interface Specifier {
  readonly imported: string;
  readonly local: string;
  readonly typeOnly: boolean;
}

/** Parses `a, type B, c as d` into specifiers. */
function parseSpecifiers(list: string): Specifier[] {
  return list
    .split(',')
    .map((part) => part.replace(/\/\/.*$|\/\*.*?\*\//gm, '').trim())
    .filter((part) => part !== '')
    .map((part) => {
      const typeOnly = /^type\s/.test(part);
      const [imported, local = imported] = part.replace(/^type\s+/, '').split(/\s+as\s+/) as [string, string?];
      return { imported: imported.trim(), local: local.trim(), typeOnly };
    });
}

/** Maps each value a barrel re-exports to the absolute path of the module defining it. */
async function readBarrel(file: string): Promise<Map<string, string>> {
  const source = await readFile(file, 'utf8');
  const names = new Map<string, string>();
  for (const match of source.matchAll(REEXPORT)) {
    if (match[1] !== undefined) continue;
    const relative = match[3]!;
    const candidate = path.resolve(path.dirname(file), relative.replace(/\.js$/, '.ts'));
    const target = existsSync(candidate) ? candidate : path.resolve(path.dirname(file), relative);
    for (const specifier of parseSpecifiers(match[2]!)) {
      if (!specifier.typeOnly) names.set(specifier.local, target);
    }
  }
  return names;
}

/** Rewrites the `@whitebox/*` named imports of one source file; `undefined` when there are none. */
export async function rewriteBarrelImports(
  source: string,
  barrelFor: (pkg: string) => Promise<Map<string, string> | undefined>,
): Promise<string | undefined> {
  const matches = [...source.matchAll(IMPORT)].filter((match) => match[1] === undefined);
  if (matches.length === 0) return undefined;
  let out = '';
  let last = 0;
  for (const match of matches) {
    const barrel = await barrelFor(match[3]!);
    if (barrel === undefined) continue;
    const byModule = new Map<string, string[]>();
    const kept: string[] = [];
    for (const { imported, local, typeOnly } of parseSpecifiers(match[2]!)) {
      if (typeOnly) continue;
      const target = barrel.get(imported);
      const binding = imported === local ? imported : `${imported} as ${local}`;
      if (target === undefined) kept.push(binding);
      else byModule.set(target, [...(byModule.get(target) ?? []), binding]);
    }
    const lines = [...byModule].map(([file, bindings]) => `import { ${bindings.join(', ')} } from ${JSON.stringify(file)};`);
    if (kept.length > 0) lines.push(`import { ${kept.join(', ')} } from '${match[3]}';`);
    out += source.slice(last, match.index) + lines.join(' ');
    last = match.index + match[0].length;
  }
  return out + source.slice(last);
}

/** The plugin; see the module comment. */
export function resolveBarrelImports(): Plugin {
  return {
    name: 'whitebox-resolve-barrel-imports',
    setup(build: PluginBuild) {
      const barrels = new Map<string, Promise<Map<string, string> | undefined>>();
      const barrelFor = (pkg: string, resolveDir: string) => {
        let barrel = barrels.get(pkg);
        if (barrel === undefined) {
          barrel = build
            .resolve(pkg, { kind: 'import-statement', resolveDir })
            .then((resolved) => (resolved.errors.length === 0 && resolved.path.endsWith('.ts') ? readBarrel(resolved.path) : undefined));
          barrels.set(pkg, barrel);
        }
        return barrel;
      };
      build.onLoad({ filter: WORKSPACE_SOURCE }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const contents = await rewriteBarrelImports(source, (pkg) => barrelFor(pkg, path.dirname(args.path)));
        return contents === undefined ? undefined : { contents, loader: 'ts', resolveDir: path.dirname(args.path) };
      });
    },
  };
}
