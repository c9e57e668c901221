import type { Argv, CommandModule } from 'yargs';
import type { CliContext } from '../../cli-context.js';

function builder(y: Argv) {
  return y
    .positional('paths', { type: 'string', array: true, describe: 'Transcript files or folders (default ~/.claude/projects)' })
    .option('chains', { type: 'number', requiresArg: true, default: 5, describe: 'Chains listed per session in the table' });
}

/** The parsed flags of `scan`. */
export type ScanArgs = {
  readonly paths: string[] | undefined;
  readonly chains: number;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
};

/** `scan [paths..]`: wiring only; the implementation loads on demand. */
export function createScanCommand(context: CliContext): CommandModule<object, ScanArgs> {
  return {
    command: 'scan [paths..]',
    describe: 'Report sub-agent calls, parallel batches, sequential chains and the time lost, per session',
    builder: builder as unknown as CommandModule<object, ScanArgs>['builder'],
    handler: async (args) => {
      const { runScan } = await import('./run-scan.js');
      await runScan(args, context);
    },
  };
}
