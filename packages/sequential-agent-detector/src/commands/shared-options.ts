import type { Argv } from 'yargs';

/** Adds `--state-dir`, shared by `hook` and `batch`, which must agree on it. */
export function withStateDir<T>(yargs: Argv<T>): Argv<T & { 'state-dir': string | undefined }> {
  return yargs.option('state-dir', {
    type: 'string',
    requiresArg: true,
    describe: 'Where per-session state lives (default: stateDir in the config, else <tmpdir>/whitebox-agent-detector-<user>)',
  });
}
