import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '@whitebox/core';

/** The flags of `agent-offload plan`, as yargs parses them. */
export interface PlanArgs {
  readonly paths: readonly string[];
  readonly batches: number | undefined;
  readonly maxSummaryLines: number | undefined;
  readonly weight: 'bytes' | 'lines';
  readonly focus: string | undefined;
  readonly subagentType: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly config: string | undefined;
}

function builder(y: Argv) {
  return y
    .positional('paths', { type: 'string', array: true, describe: 'Files, directories or glob patterns (quote globs to use the built-in **)' })
    .option('batches', { alias: 'n', type: 'number', requiresArg: true, describe: 'How many sub-agents (default 4, or agentOffload.batches)' })
    .option('max-summary-lines', {
      alias: 'k',
      type: 'number',
      requiresArg: true,
      describe: 'Summary budget per sub-agent, in lines (default 40)',
    })
    .option('weight', { choices: ['bytes', 'lines'] as const, default: 'bytes' as const, describe: 'What the batches are balanced on' })
    .option('focus', { type: 'string', requiresArg: true, describe: 'A goal or question the summaries should serve' })
    .option('subagent-type', { type: 'string', requiresArg: true, describe: 'The subagent_type to name (default Explore)' })
    .check((argv) => {
      for (const flag of ['batches', 'max-summary-lines'] as const) {
        const value = argv[flag];
        if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
          throw new UsageError(`--${flag} must be an integer ≥ 1, got ${String(value)}`);
        }
      }
      return true;
    });
}

type BuiltArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `agent-offload plan`: wiring only; the implementation loads on demand. */
export const planCommand: CommandModule<object, BuiltArgs> = {
  command: 'plan <paths..>',
  describe: 'Split files into balanced batches and print one message of parallel Agent calls',
  builder,
  handler: async (args) => {
    const { plan } = await import('./plan.js');
    await plan(args as unknown as PlanArgs);
  },
};
