import type { CommandModule } from 'yargs';
import type { CommonOptions } from '@whitebox/core';

interface GraphArgs extends CommonOptions {
  readonly event: string;
  readonly format: 'text' | 'mermaid' | 'both';
  readonly 'project-dir': string | undefined;
}

/** `hook-executor graph`. */
export const graphCommand: CommandModule<CommonOptions, GraphArgs> = {
  command: 'graph',
  describe: 'Show an event\'s hooks as a graph (text and Mermaid) with the critical path from recorded timings',
  builder: (yargs) =>
    yargs
      .option('event', { type: 'string', demandOption: true, requiresArg: true, describe: 'The event to show' })
      .option('format', { choices: ['text', 'mermaid', 'both'] as const, default: 'both' as const, describe: 'What to print' })
      .option('project-dir', { type: 'string', requiresArg: true, describe: 'Project directory (default: $CLAUDE_PROJECT_DIR, else the current directory)' }),
  handler: async (args) => {
    const { graph } = await import('./graph.js');
    await graph({ event: args.event, format: args.format, config: args.config, projectDir: args['project-dir'], json: args.json });
  },
};
