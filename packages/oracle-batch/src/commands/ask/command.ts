import type { Argv, CommandModule } from 'yargs';
import { parseDurationFlag, withLlmOptions } from '@whitebox/core';
import type { CliContext } from '@whitebox/core';

/** The flags; kept separate so the handler's argument type is inferred from them. */
function builder(y: Argv) {
  return withLlmOptions(y)
    .positional('proposal', { type: 'string', array: true, describe: 'The proposal ("-" reads stdin)' })
    // Not `array: true`: that would swallow the proposal in `--persona judge "proposal"`. Repeating
    // the flag still gives an array.
    .option('persona', { alias: 'p', type: 'string', requiresArg: true, describe: 'Ask this persona (repeatable)' })
    .option('batch', { alias: 'b', type: 'string', requiresArg: true, describe: 'Ask these personas, comma-separated: judge,critic,skeptic' })
    .conflicts('persona', 'batch')
    .option('file', { alias: 'f', type: 'string', requiresArg: true, describe: 'Read the proposal from this file' })
    .option('cache', { type: 'boolean', default: false, describe: 'Reuse answers to the same model, persona and proposal' })
    .option('cache-ttl', {
      type: 'string',
      requiresArg: true,
      default: '24h',
      describe: 'How long cached answers stay valid: 30m, 24h',
      coerce: (value: unknown) => parseDurationFlag('cache-ttl', value),
    })
    .option('cache-dir', { type: 'string', requiresArg: true, describe: 'Where --cache keeps answers (default: $XDG_CACHE_HOME/whitebox/oracle)' })
    .option('concurrency', { type: 'number', requiresArg: true, describe: 'Personas asked at once (default: all)' })
    .option('stream', { type: 'boolean', default: true, describe: 'Stream answers (--no-stream for servers that cannot)' });
}

/** The parsed flags of the default command. */
export type AskArgs = ReturnType<typeof builder> extends Argv<infer T> ? T & { readonly json: boolean; readonly verbose: boolean; readonly quiet: boolean; readonly config: string | undefined } : never;

/** `oracle [--persona|--batch] [proposal..]`: wiring only; the implementation loads on demand. */
export function createAskCommand(context: CliContext): CommandModule<object, AskArgs> {
  return {
    command: '$0 [proposal..]',
    describe: 'Ask personas about a proposal',
    builder: builder as unknown as CommandModule<object, AskArgs>['builder'],
    handler: async (args) => {
      const { ask } = await import('./ask.js');
      await ask(args, context);
    },
  };
}
