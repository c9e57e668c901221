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
  if (fast === undefined) process.exitCode = code;
  else exitOnceFlushed(code);
});

/**
 * Ends `run` as soon as what it printed is out. Claude Code waits for the hook process to end, and
 * Node's orderly teardown of a heap that has loaded the validator takes several milliseconds more
 * than `exit()`. Nothing is left to wait for: the hooks have ended or been killed, and the timings
 * were appended synchronously. stdout and stderr may be asynchronous pipes (macOS), hence the flush.
 */
function exitOnceFlushed(code: number): void {
  const streams = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  let pending = streams.length;
  if (pending === 0) process.exit(code);
  for (const stream of streams) {
    stream.write('', () => {
      if (--pending === 0) process.exit(code);
    });
  }
}
