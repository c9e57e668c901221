/**
 * Bundles a package's CLI into one ESM file per `bin` entry. Run with the package as cwd:
 * `tsx ../../tools/esbuild/build-cli.ts`. Every bin `./bin/<name>.js` is built from `src/cli.ts`
 * unless the package's `whitebox.cli` map names another entry for it.
 *
 * One file matters for start-up: hooks run on every prompt, and resolving and reading dozens of
 * node_modules files costs more than parsing one bundle.
 */
import { build } from 'esbuild';
import { chmod, readFile, rm } from 'node:fs/promises';

interface PackageJson {
  readonly name: string;
  readonly bin?: Record<string, string>;
  readonly whitebox?: { readonly cli?: Record<string, string>; readonly external?: readonly string[] };
}

// piscina starts its workers from its own files, so it must stay a real module on disk.
const ALWAYS_EXTERNAL = ['piscina'];

const pkg = JSON.parse(await readFile('package.json', 'utf8')) as PackageJson;
const bins = Object.entries(pkg.bin ?? {});
if (bins.length === 0) {
  throw new Error(`${pkg.name}: package.json has no "bin" entries to bundle`);
}

await rm('bin', { recursive: true, force: true });
await Promise.all(
  bins.map(([name, outfile]) =>
    build({
      entryPoints: [pkg.whitebox?.cli?.[name] ?? 'src/cli.ts'],
      outfile,
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
    }).then(() => chmod(outfile, 0o755)),
  ),
);
