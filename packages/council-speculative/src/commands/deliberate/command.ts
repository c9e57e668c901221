import type { Argv, CommandModule } from 'yargs';
import { parseDurationFlag, withLlmOptions } from '@whitebox/core';
import type { CliContext } from '@whitebox/core';

/** The flags; kept separate so the handler's argument type is inferred from them. */
function builder(y: Argv) {
  return withLlmOptions(y)
    .positional('proposal', { type: 'string', array: true, describe: 'The proposal ("-" reads stdin)' })
    .option('file', { alias: 'f', type: 'string', requiresArg: true, describe: 'Read the proposal from this file' })
    .option('personas', { alias: 'p', type: 'string', requiresArg: true, default: 'judge,critic,skeptic', describe: 'The council, comma-separated' })
    .option('max-rounds', { type: 'number', requiresArg: true, default: 3, describe: 'The most rounds to run' })
    .option('speculative', {
      type: 'string',
      choices: ['off', 'accept', 'restart'],
      default: 'off',
      describe: 'Start round N+1 during round N\'s arbiter; bare --speculative means accept',
    })
    .option('arbiter-model', { type: 'string', requiresArg: true, describe: 'The arbiter\'s model (default: --model)' })
    .option('budget-usd', { type: 'number', requiresArg: true, describe: 'Stop once this many dollars are spent' })
    .option('budget-tokens', { type: 'number', requiresArg: true, describe: 'Stop once this many tokens are spent' })
    .option('deadline', {
      type: 'string',
      requiresArg: true,
      describe: 'Stop after this long: 120s, 2m',
      coerce: (value: unknown) => (value === undefined ? undefined : parseDurationFlag('deadline', value)),
    })
    .option('quorum', { type: 'number', requiresArg: true, describe: 'Personas that must answer a round: a count, or a share below 1 (default: a majority)' })
    .option('epsilon', { type: 'number', requiresArg: true, default: 0.05, describe: 'Confidence change below which a persona has settled' })
    .option('arbiter-retries', { type: 'number', requiresArg: true, default: 1, describe: 'Extra arbiter attempts before the majority vote stands in' })
    .option('out', { alias: 'o', type: 'string', requiresArg: true, describe: 'Also write the transcript here (JSON; Markdown for *.md)' })
    .option('stream', { type: 'boolean', default: true, describe: 'Stream answers (--no-stream for servers that cannot)' });
}

/** The parsed flags of the default command. */
export type DeliberateArgs = ReturnType<typeof builder> extends Argv<infer T>
  ? T & { readonly json: boolean; readonly verbose: boolean; readonly quiet: boolean; readonly config: string | undefined }
  : never;

/** `council [options] <proposal..>`: wiring only; the implementation loads on demand. */
export function createDeliberateCommand(context: CliContext): CommandModule<object, DeliberateArgs> {
  return {
    command: '$0 [proposal..]',
    describe: 'Deliberate on a proposal',
    builder: builder as unknown as CommandModule<object, DeliberateArgs>['builder'],
    handler: async (args) => {
      const { runDeliberation } = await import('./run-deliberation.js');
      await runDeliberation(args, context);
    },
  };
}
