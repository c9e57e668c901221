import { abortOnSigint } from '@whitebox/core';
import { resolvePerfLog } from '../../hook-runtime/resolve-perf-log.js';
import { importTranscripts } from '../../transcript/import-transcripts.js';
import type { ImportArgs } from './command.js';

/** `perf-tracker import`: append timings from transcripts, then say what was found. */
export async function runImport(args: ImportArgs): Promise<void> {
  const logFile = resolvePerfLog({ log: args.log, projectDir: args.projectDir });
  const sigint = abortOnSigint();
  try {
    const result = await importTranscripts({ paths: args.paths.map(String), logFile, signal: sigint.signal });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ log: logFile, ...result }, null, 2)}\n`);
      return;
    }
    process.stdout.write(
      `Imported ${result.added} record${result.added === 1 ? '' : 's'} into ${logFile} ` +
        `(${result.found} found in ${result.files} transcript${result.files === 1 ? '' : 's'}: ${result.hooks} hook, ${result.found - result.hooks} tool; ` +
        `${result.alreadyImported} already imported${result.malformed > 0 ? `; ${result.malformed} malformed lines skipped` : ''}).\n`,
    );
  } finally {
    sigint.dispose();
  }
}
