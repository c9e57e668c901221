import type { Argv, CommandModule } from 'yargs';
import { withJson } from '@whitebox/core';
import { withLogOptions } from '../../log-options.js';

function builder(y: Argv) {
  return withLogOptions(withJson(y))
    .option('keep', { type: 'string', default: '90d', describe: 'Keep records younger than this: 90d, 12w, 36h' })
    .option('archive', { type: 'boolean', default: false, describe: 'Append pruned records to hook_performance.archive-<date>.jsonl' })
    .option('now', { type: 'string', requiresArg: true, describe: 'Prune as of this ISO time instead of now' });
}

/** The flags of `perf-tracker prune`, as yargs parses them. */
export type PruneArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `perf-tracker prune`: wiring only. */
export const pruneCommand: CommandModule<object, PruneArgs> = {
  command: 'prune',
  describe: 'Drop old records and compact the log, safely while hooks keep appending',
  builder,
  handler: async (args) => {
    const { runPrune } = await import('./prune.js');
    await runPrune(args);
  },
};
