import yargs, { type Argv } from 'yargs';
import { withCommonOptions } from '@whitebox/core';

/** The `pnpm bench` command line; exported so tests can parse without running benchmarks. */
export function createCli(args: readonly string[]): Argv {
  return withCommonOptions(yargs([...args]))
    .scriptName('pnpm bench')
    .usage('$0 [name..]\n\nRuns benchmarks, each against its baseline in the same run, and reports min, median and max.')
    .command(
      '$0 [names..]',
      'Run benchmarks (all when no name is given)',
      (y) =>
        y
          .positional('names', { type: 'string', array: true, describe: 'Benchmark names; see --list' })
          .option('runs', { type: 'number', describe: 'Timed runs per benchmark (overrides each default)' })
          .option('list', { type: 'boolean', default: false, describe: 'List the benchmarks and exit' })
          .option('write', {
            type: 'boolean',
            default: true,
            describe: 'Write tools/bench/results/*.json, results.md and the README table (--no-write to skip)',
          }),
      async (args) => {
        const { runBench } = await import('./run-bench.js');
        await runBench({
          names: args.names ?? [],
          runs: args.runs,
          list: args.list,
          write: args.write,
          json: args.json,
          quiet: args.quiet,
        });
      },
    )
    .example('$0', 'run every benchmark and update the README table')
    .example('$0 cpu-pool --runs 3', 'run one benchmark three times')
    .strict()
    .help();
}
