import type { Argv, CommandModule } from 'yargs';

/** The flags of `agent-offload hook`, as yargs parses them. */
export interface HookArgs {
  readonly maxLines: number | undefined;
  readonly maxBytes: number | undefined;
  readonly maxSummaryLines: number | undefined;
  readonly strict: boolean | undefined;
  readonly config: string | undefined;
  readonly verbose: boolean;
}

/**
 * The flags. Parsing stays lenient on purpose (not strict, no required values): a usage error
 * exits 2, and exit 2 from a PreToolUse hook blocks the tool, so a typo in settings.json would
 * block every Read. Bad values are reported on stderr and the hook then does nothing.
 */
function builder(y: Argv) {
  return y
    .strict(false)
    .option('max-lines', { type: 'number', describe: 'A file with more lines than this is large (default 1000)' })
    .option('max-bytes', { type: 'number', describe: 'A file with more bytes than this is large (default 100000)' })
    .option('max-summary-lines', { type: 'number', describe: 'Summary budget the advice asks of the sub-agent (default 40)' })
    .option('strict', { type: 'boolean', describe: 'Deny large whole-file reads instead of advising (config: mode "strict")' });
}

type BuiltArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `agent-offload hook`: wiring only; the implementation loads on demand. */
export const hookCommand: CommandModule<object, BuiltArgs> = {
  command: 'hook',
  describe: 'PreToolUse hook for Read: advise (or deny, --strict) whole-file reads of large files',
  builder,
  handler: async (args) => {
    const { runHook } = await import('./hook.js');
    await runHook(args as unknown as HookArgs);
  },
};
