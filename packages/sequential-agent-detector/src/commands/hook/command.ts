import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '@whitebox/core';
import type { CliContext } from '../../cli-context.js';
import { DETECTOR_MODES, type DetectorMode } from '../../detector-config.js';
import { withStateDir } from '../shared-options.js';

function builder(y: Argv) {
  return withStateDir(y)
    .option('mode', { type: 'string', choices: DETECTOR_MODES, describe: 'block (default), warn or off; overrides the config file' })
    .option('wait-ms', {
      type: 'number',
      requiresArg: true,
      describe: 'Least time a lone call waits for siblings of its batch (default 40)',
      coerce: (value: unknown) => {
        if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
          throw new UsageError(`--wait-ms must be a number of milliseconds ≥ 0, got ${String(value)}`);
        }
        return value as number | undefined;
      },
    })
    .option('transcript', { type: 'boolean', describe: 'Read the transcript to confirm or recover the state (default true; --no-transcript)' });
}

/** The parsed flags of `hook`. */
export type HookArgs = {
  readonly mode: DetectorMode | undefined;
  readonly 'wait-ms': number | undefined;
  readonly 'state-dir': string | undefined;
  readonly transcript: boolean | undefined;
  readonly verbose: boolean;
  readonly config: string | undefined;
};

/** `hook`: the PreToolUse hook for matcher `Agent|Task`. Wiring only; the implementation loads on demand. */
export function createHookCommand(context: CliContext): CommandModule<object, HookArgs> {
  return {
    command: 'hook',
    describe: 'PreToolUse hook (matcher Agent|Task): flag sub-agent calls made one message at a time',
    builder: builder as unknown as CommandModule<object, HookArgs>['builder'],
    handler: async (args) => {
      const { runHook } = await import('./run-hook.js');
      await runHook(args, context);
    },
  };
}
