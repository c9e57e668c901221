import type { CliContext } from '../../cli-context.js';
import { recordBatch } from '../../record-batch.js';
import { defaultStateDir } from '../../state/detector-state.js';
import { runHookCommand } from '../hook-runtime.js';
import type { BatchArgs } from './command.js';

/** Runs the PostToolBatch / SessionEnd hook: records, prints nothing, always exit 0. */
export async function runBatch(args: BatchArgs, context: CliContext): Promise<void> {
  await runHookCommand(context, args, async ({ input, config, note }) => {
    const result = await recordBatch(input, {
      stateDir: args['state-dir'] ?? config.stateDir ?? defaultStateDir(),
      pruneAfterMs: config.pruneAfterHours === undefined ? undefined : config.pruneAfterHours * 3_600_000,
    });
    const spawns = result.spawns.map((spawn) => `${spawn.id}=${spawn.outcome}`).join(', ');
    note(`${input.event}: ${result.recorded}${spawns === '' ? '' : ` (${spawns})`}${result.compacted ? ', log compacted' : ''}${result.pruned.length > 0 ? `, pruned ${result.pruned.length} stale session(s)` : ''}`);
    return {};
  });
}
