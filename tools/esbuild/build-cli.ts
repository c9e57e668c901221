/**
 * Bundles a package's CLI into one ESM file per `bin` entry. Run with the package as cwd:
 * `tsx ../../tools/esbuild/build-cli.ts`. Every bin `./bin/<name>.js` is built from `src/cli.ts`
 * unless the package's `whitebox.cli` map names another entry for it.
 *
 * One file matters for start-up: hooks run on every prompt, and resolving and reading dozens of
 * node_modules files costs more than parsing one bundle.
 *
 * `whitebox.splitting: true` instead turns every dynamic `import()` into its own chunk under
 * `bin/chunks/`, for CLIs whose hottest command must not pay to parse the rest: parsing a 1.5 MB
 * bundle costs about 40 ms, more than a lean hook command's whole budget.
 */
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { chmod, readFile, rm } from 'node:fs/promises';
import { resolveBarrelImports } from './resolve-barrel-imports.js';

interface PackageJson {
  readonly name: string;
  readonly bin?: Record<string, string>;
  readonly whitebox?: {
    readonly cli?: Record<string, string>;
    readonly external?: readonly string[];
    readonly splitting?: boolean;
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
  plugins: [resolveBarrelImports()],
  legalComments: 'none',
  logLevel: 'warning',
};

await rm('bin', { recursive: true, force: true });
if (pkg.whitebox?.splitting === true) {
  // One build for every bin, so chunks they share are written once.
  const entryPoints: Record<string, string> = {};
  for (const [name, outfile] of bins) {
    const match = /^(?:\.\/)?bin\/([^/]+)\.js$/.exec(outfile);
    if (match === null) {
      throw new Error(`${pkg.name}: with whitebox.splitting, bin "${name}" must be ./bin/<name>.js, got "${outfile}"`);
    }
    entryPoints[match[1]!] = pkg.whitebox.cli?.[name] ?? 'src/cli.ts';
  }
  await build({ ...common, entryPoints, outdir: 'bin', splitting: true, chunkNames: 'chunks/[name]-[hash]' });
  await Promise.all(bins.map(([, outfile]) => chmod(outfile, 0o755)));
} else {
  await Promise.all(
    bins.map(([name, outfile]) =>
      build({ ...common, entryPoints: [pkg.whitebox?.cli?.[name] ?? 'src/cli.ts'], outfile }).then(() => chmod(outfile, 0o755)),
    ),
  );
}
