import { resolvePerfLog } from '../../hook-runtime/resolve-perf-log.js';
import { prunePerfLog } from '../../log/prune-perf-log.js';
import { parseDurationSpec, parseNow } from '../../report/parse-duration-spec.js';
import type { PruneArgs } from './command.js';

/** `perf-tracker prune`: rotate and compact the log, then say what changed. */
export async function runPrune(args: PruneArgs): Promise<void> {
  const file = resolvePerfLog({ log: args.log, projectDir: args.projectDir });
  const result = await prunePerfLog({ file, keepMs: parseDurationSpec('keep', args.keep), now: parseNow(args.now), archive: args.archive });
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (!result.existed) {
    process.stdout.write(`Nothing to prune: no log at ${file}.\n`);
    return;
  }
  const removed = [
    `${result.dropped} older than ${args.keep}`,
    result.malformed > 0 ? `${result.malformed} malformed` : '',
    result.duplicates > 0 ? `${result.duplicates} duplicate` : '',
  ].filter(Boolean);
  process.stdout.write(
    `Pruned ${file}: kept ${result.kept} records, removed ${removed.join(', ')}; ${result.bytesBefore} → ${result.bytesAfter} bytes` +
      (result.carriedOver > 0 ? `; ${result.carriedOver} appended meanwhile, carried over` : '') +
      (result.archive ? `; archived to ${result.archive}` : '') +
      '.\n',
  );
  if (result.stragglers.length > 0) {
    process.stderr.write(
      `warning: process${result.stragglers.length === 1 ? '' : 'es'} ${result.stragglers.join(', ')} still hold the old log open; ` +
        `what they append goes to ${file}.rotating and is merged by the next prune.\n`,
    );
  }
}
