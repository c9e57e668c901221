import type { CommandModule } from 'yargs';
import type { CommonOptions } from '@whitebox/core';

interface BenchArgs extends CommonOptions {
  readonly event: string;
  readonly input: string;
  readonly runs: number;
  readonly 'project-dir': string | undefined;
}

/** `hook-executor bench`. */
export const benchCommand: CommandModule<CommonOptions, BenchArgs> = {
  command: 'bench',
  describe: 'Time your own hooks for one input: one after another vs through the executor (runs them for real)',
  builder: (yargs) =>
    yargs
      .option('event', { type: 'string', demandOption: true, requiresArg: true, describe: 'The event whose hooks to time' })
      .option('input', { type: 'string', demandOption: true, requiresArg: true, describe: 'A sample hook input JSON file' })
      .option('runs', { type: 'number', default: 5, describe: 'Timed repetitions of each way' })
      .option('project-dir', { type: 'string', requiresArg: true, describe: 'Project directory (default: $CLAUDE_PROJECT_DIR, else the current directory)' })
      .check((args) => {
        if (!(Number.isInteger(args.runs) && args.runs >= 1 && args.runs <= 1000)) throw new Error(`--runs must be an integer from 1 to 1000, got ${String(args.runs)}`);
        return true;
      }),
  handler: async (args) => {
    const { bench } = await import('./bench.js');
    await bench({ event: args.event, input: args.input, runs: args.runs, config: args.config, projectDir: args['project-dir'], json: args.json, quiet: args.quiet });
  },
};
