import { hideBin } from 'yargs/helpers';
import { runCli } from '@whitebox/core';
import { createCli } from './create-cli.js';

/** The full command line, loaded only for commands that are not hooks (see `hook-fast-path.ts`). */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli(createCli(hideBin([...argv])));
}
