import { recordMain } from './commands/record/record-main.js';
import { wrapMain } from './commands/wrap/wrap.js';

/**
 * The commands that run as hooks, on every tool call or prompt, are dispatched here without
 * yargs or zod. Both are imported statically, so the bin's lean CommonJS entry holds them and
 * nothing else (`whitebox.leanEntry`, see tools/esbuild/build-cli.ts): `wrap` starts its child
 * after reading one small file. `--help` still goes through yargs.
 *
 * @returns The command to run, or `undefined` for the full CLI.
 */
export function hookFastPath(argv: readonly string[]): (() => Promise<number>) | undefined {
  const [command, ...rest] = argv;
  if (command === 'wrap') {
    if (rest[0] === '--help' || rest[0] === '-h') return undefined;
    return () => wrapMain(rest);
  }
  if (command === 'record') {
    if (rest.includes('--help') || rest.includes('-h')) return undefined;
    return () => recordMain(rest);
  }
  return undefined;
}
