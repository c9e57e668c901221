import type { CommandModule } from 'yargs';
import type { CommonOptions } from '@whitebox/core';

interface AnalyzeArgs extends CommonOptions {
  readonly event: string;
  readonly input: string;
  readonly shuffles: number;
  readonly reset: string | undefined;
  readonly seed: number | undefined;
  readonly write: boolean;
  readonly 'project-dir': string | undefined;
}

/** `hook-executor analyze`. */
export const analyzeCommand: CommandModule<CommonOptions, AnalyzeArgs> = {
  command: 'analyze',
  describe: 'Find hooks whose result depends on run order and propose `after` edges (runs the hooks for real)',
  builder: (yargs) =>
    yargs
      .option('event', { type: 'string', demandOption: true, requiresArg: true, describe: 'The event whose hooks to analyze' })
      .option('input', { type: 'string', demandOption: true, requiresArg: true, describe: 'A sample hook input JSON file (- for stdin)' })
      .option('shuffles', { type: 'number', default: 3, describe: 'Shuffled parallel runs' })
      .option('reset', { type: 'string', requiresArg: true, describe: 'Shell command that restores shared state before every run' })
      .option('seed', { type: 'number', requiresArg: true, describe: 'Seed for reproducible shuffles' })
      .option('write', { type: 'boolean', default: false, describe: 'Add the proposed edges to the config' })
      .option('project-dir', { type: 'string', requiresArg: true, describe: 'Project directory (default: $CLAUDE_PROJECT_DIR, else the current directory)' })
      .check((args) => {
        if (!(Number.isInteger(args.shuffles) && args.shuffles >= 0 && args.shuffles <= 100)) {
          throw new Error(`--shuffles must be an integer from 0 to 100, got ${String(args.shuffles)}`);
        }
        return true;
      }),
  handler: async (args) => {
    const { analyze } = await import('./analyze.js');
    await analyze({
      event: args.event,
      input: args.input,
      shuffles: args.shuffles,
      reset: args.reset,
      seed: args.seed,
      write: args.write,
      config: args.config,
      projectDir: args['project-dir'],
      json: args.json,
      quiet: args.quiet,
    });
  },
};
