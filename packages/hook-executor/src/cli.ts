import { parseRunArgs } from './parse-run-args.js';

const args = process.argv.slice(2);
const fast = parseRunArgs(args);
if (fast === undefined) {
  const { main } = await import('./create-cli.js');
  process.exitCode = await main(args);
} else {
  // The hot path: `run --event <Event>` from settings.json, without yargs.
  const { runHookEvent } = await import('./commands/run/run-hook-event.js');
  process.exitCode = await runHookEvent(fast).catch((error: unknown) => {
    process.stderr.write(`hook-executor: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
