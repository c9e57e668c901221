import type { Argv, CommandModule } from 'yargs';
import { withLlmOptions } from '@whitebox/core';
import type { CliContext } from '../../cli-context.js';

function builder(y: Argv) {
  return withLlmOptions(y)
    .positional('action', { choices: ['status', 'cancel'] as const, demandOption: true, describe: 'status: show it; cancel: ask the provider to stop it' })
    .positional('batch', { type: 'string', demandOption: true, describe: 'A batch id (batch_…), as printed by `swarm run --via batch-api`' });
}

/** The parsed flags of `swarm batch`. */
export type BatchArgs = ReturnType<typeof builder> extends Argv<infer T>
  ? T & { readonly json: boolean; readonly quiet: boolean; readonly config: string | undefined }
  : never;

/** `swarm batch status|cancel <batch-id>`: wiring only; the implementation loads on demand. */
export function createBatchCommand(context: CliContext): CommandModule<object, BatchArgs> {
  return {
    command: 'batch <action> <batch>',
    describe: 'Show or cancel a submitted Batch API job',
    builder: builder as unknown as CommandModule<object, BatchArgs>['builder'],
    handler: async (args) => {
      const { batch } = await import('./batch.js');
      await batch(args, context);
    },
  };
}
