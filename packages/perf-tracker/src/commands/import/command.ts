import type { Argv, CommandModule } from 'yargs';
import { withJson } from '@whitebox/core';
import { withLogOptions } from '../../log-options.js';

function builder(y: Argv) {
  return withLogOptions(withJson(y)).positional('paths', {
    type: 'string',
    array: true,
    demandOption: true,
    describe: 'Transcript files or folders (searched recursively), e.g. ~/.claude/projects/<project>',
  });
}

/** The flags of `perf-tracker import`, as yargs parses them. */
export type ImportArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `perf-tracker import`: wiring only. */
export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import <paths..>',
  describe: 'Import hook and tool durations from Claude Code transcripts (idempotent)',
  builder,
  handler: async (args) => {
    const { runImport } = await import('./import.js');
    await runImport(args);
  },
};
