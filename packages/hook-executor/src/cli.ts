import nodeModule from 'node:module';
import { runHookEvent } from './commands/run/run-hook-event.js';
import { parseRunArgs } from './parse-run-args.js';

// Node 22.1+ keeps compiled code of the chunks loaded below in a disk cache: most of the
// validator's load time on every hook after the first. Absent on Node 20, where this is a no-op.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const args = process.argv.slice(2);
const fast = parseRunArgs(args);
if (fast === undefined) {
  const { main } = await import('./create-cli.js');
  process.exitCode = await main(args);
} else {
  // The hot path: `run --event <Event>` from settings.json, without yargs. Its first steps are in
  // this file (forwarding, an event without hooks); everything else is loaded on demand.
  process.exitCode = await runHookEvent(fast).catch((error: unknown) => {
    process.stderr.write(`hook-executor: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
