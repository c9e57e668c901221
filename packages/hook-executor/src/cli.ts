import nodeModule from 'node:module';
import { runHookEvent } from './commands/run/run-hook-event.js';
import { parseRunArgs } from './parse-run-args.js';

// Node 22.1+ keeps compiled code of the chunks loaded below in a disk cache: most of the
// validator's load time on every hook after the first. Absent on Node 20, where this is a no-op.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Built as a lean CommonJS entry (see tools/esbuild/build-cli.ts): what `run` needs to start hooks
// is in this file's bundle, and everything else is an ES module chunk loaded on demand.
const args = process.argv.slice(2);
const fast = parseRunArgs(args);
const exitCode =
  fast === undefined
    ? import('./create-cli.js').then(({ main }) => main(args))
    : // The hot path: `run --event <Event>` from settings.json, without yargs.
      runHookEvent(fast).catch((error: unknown) => {
        process.stderr.write(`hook-executor: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      });
void exitCode.then((code) => {
  process.exitCode = code;
});
