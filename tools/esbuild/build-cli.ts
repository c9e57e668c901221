/**
 * Bundles a package's CLI into one ESM file per `bin` entry. Run with the package as cwd:
 * `tsx ../../tools/esbuild/build-cli.ts`. Every bin `./bin/<name>.js` is built from `src/cli.ts`
 * unless the package's `whitebox.cli` map names another entry for it.
 *
 * One file matters for start-up: hooks run on every prompt, and resolving and reading dozens of
 * node_modules files costs more than parsing one bundle.
 *
 * `whitebox.leanEntry: true` is for CLIs whose hottest command must not pay to load the rest
 * (parsing a 1.5 MB bundle costs about 40 ms, more than a lean hook command's whole budget):
 * - `bin/<name>.js` is CommonJS (`bin/package.json` says so) and holds only what the entry
 *   imports statically: the hook fast path. CommonJS because Node's ES module loader adds 3 to
 *   4 ms to every start, and ESM facades of builtins such as node:fs load their streams eagerly.
 * - Every dynamic `import()` it makes becomes a self-contained ES module bundle in `bin/chunks/`
 *   (yargs needs ESM, esbuild#1492), so each path loads only its own code.
 */
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface PackageJson {
  readonly name: string;
  readonly bin?: Record<string, string>;
  readonly whitebox?: {
    readonly cli?: Record<string, string>;
    readonly external?: readonly string[];
    readonly leanEntry?: boolean;
  };
}

// piscina starts its workers from its own files, so it must stay a real module on disk.
const ALWAYS_EXTERNAL = ['piscina'];

const pkg = JSON.parse(await readFile('package.json', 'utf8')) as PackageJson;
const bins = Object.entries(pkg.bin ?? {});
if (bins.length === 0) {
  throw new Error(`${pkg.name}: package.json has no "bin" entries to bundle`);
}

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  // yargs's ESM entry needs a real import.meta.url; a CJS bundle breaks it (esbuild#1492).
  format: 'esm',
  target: 'node20.19',
  conditions: ['@whitebox/source'],
  external: [...ALWAYS_EXTERNAL, ...(pkg.whitebox?.external ?? [])],
  // Bundled CJS dependencies still call require(); give them one.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __whiteboxCreateRequire } from 'node:module';",
      'const require = __whiteboxCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await rm('bin', { recursive: true, force: true });
if (pkg.whitebox?.leanEntry === true) {
  const entries: Record<string, string> = {};
  for (const [name, outfile] of bins) {
    const match = /^(?:\.\/)?bin\/([^/]+)\.js$/.exec(outfile);
    if (match === null) {
      throw new Error(`${pkg.name}: with whitebox.leanEntry, bin "${name}" must be ./bin/<name>.js, got "${outfile}"`);
    }
    entries[match[1]!] = pkg.whitebox.cli?.[name] ?? 'src/cli.ts';
  }
  // The lean CommonJS entries first: they tell which modules load lazily.
  const lazy = new Map<string, string>();
  await build({
    ...common,
    entryPoints: entries,
    outdir: 'bin',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [...(common.plugins ?? []), lazyImportsAsEsmChunks(lazy)],
  });
  await writeFile('bin/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
  // One self-contained bundle per lazy module, not esbuild's code splitting: a split build assigns
  // whole modules to shared chunks, so a hot path that shares one helper with the full CLI loads
  // the chunk with zod and yargs, and zod/mini's 40 KB came with zod's 640 KB of locales.
  await Promise.all([...lazy].map(([name, source]) => build({ ...common, entryPoints: { [name]: source }, outdir: 'bin/chunks' })));
  await writeFile('bin/chunks/package.json', `${JSON.stringify({ type: 'module' })}\n`);
  await Promise.all(bins.map(([, outfile]) => chmod(outfile, 0o755)));
} else {
  await Promise.all(
    bins.map(([name, outfile]) =>
      build({ ...common, entryPoints: [pkg.whitebox?.cli?.[name] ?? 'src/cli.ts'], outfile }).then(() => chmod(outfile, 0o755)),
    ),
  );
}

/**
 * Turns each relative dynamic `import()` of the CommonJS entry into an external import of an ES
 * module entry `./chunks/<basename>.js`, and records it in `lazy` (name → source) for the ESM
 * build. Basenames must be unique among lazily imported modules.
 */
function lazyImportsAsEsmChunks(lazy: Map<string, string>): Plugin {
  return {
    name: 'whitebox-lazy-imports-as-esm-chunks',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const source = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        const name = path.basename(source, '.ts');
        const known = lazy.get(name);
        if (known !== undefined && known !== source) {
          return { errors: [{ text: `lazily imported modules ${known} and ${source} share the name "${name}"; rename one` }] };
        }
        lazy.set(name, source);
        return { path: `./chunks/${name}.js`, external: true };
      });
    },
  };
}
