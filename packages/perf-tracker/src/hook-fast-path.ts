import { wrapMain } from './commands/wrap/wrap.js';

/**
 * The commands that run as hooks, on every tool call or prompt, are dispatched here without
 * yargs, zod or `@whitebox/core`. With the bundle split into chunks (`whitebox.splitting`), their
 * start-up reads a few small files instead of parsing 1.5 MB. `wrap` is imported statically, so
 * the bin's entry chunk holds what it needs to start the child and nothing more (see `wrap.ts`),
 * which keeps it within 5 ms of a bare `node -e 0`. `--help` still goes through yargs.
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
    return async () => (await import('./commands/record/record-main.js')).recordMain(rest);
  }
  return undefined;
}
