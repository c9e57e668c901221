import type { Argv, CommandModule } from 'yargs';
import { parseDurationFlag, withLlmOptions } from '@whitebox/core';
import type { CliContext } from '../../cli-context.js';

const duration = (flag: string) => (value: unknown) => (value === undefined ? undefined : parseDurationFlag(flag, value));

/** The flags; kept separate so the handler's argument type is inferred from them. */
function builder(y: Argv) {
  return withLlmOptions(y)
    .positional('tasks', { type: 'string', describe: 'tasks.jsonl: {id, prompt | messages, model?, persona?, response_format?, metadata?} per line' })
    .option('out', { alias: 'o', type: 'string', requiresArg: true, demandOption: true, describe: 'Results JSONL; re-running with the same file resumes' })
    .option('template', { type: 'string', requiresArg: true, describe: 'A prompt template with {{column}} placeholders (with --data)' })
    .option('data', { type: 'string', requiresArg: true, describe: 'Rows for --template: a .csv with a header line, or a .jsonl of objects' })
    .option('id-column', { type: 'string', requiresArg: true, default: 'id', describe: 'The --data column holding row ids (rows without one get row-<n>)' })
    .implies('template', 'data')
    .implies('data', 'template')
    .option('workers', { alias: 'w', type: 'number', requiresArg: true, describe: 'Tasks in flight at once (default: min(tasks, 50))' })
    .option('rpm', { type: 'number', requiresArg: true, describe: 'Requests per minute (default: learnt from x-ratelimit-* headers)' })
    .option('tpm', { type: 'number', requiresArg: true, describe: 'Tokens per minute, prompt + completion (default: learnt from headers)' })
    .option('burst', { type: 'number', requiresArg: true, default: 1, describe: 'Seconds of --rpm/--tpm quota that may go out at once' })
    .option('cooldown', {
      type: 'string',
      requiresArg: true,
      default: '1s',
      describe: 'Global pause after a 429 without retry-after (with one, its value)',
      coerce: duration('cooldown'),
    })
    .option('attempt-timeout', {
      type: 'string',
      requiresArg: true,
      describe: 'Limit per HTTP attempt; a hung request is retried after it (default: min(--timeout, 2m))',
      coerce: duration('attempt-timeout'),
    })
    .option('max-attempts', { type: 'number', requiresArg: true, default: 5, describe: 'Attempts per task, the first included' })
    .option('budget-usd', { type: 'number', requiresArg: true, describe: 'Stop scheduling before the spend (this file included) would pass this' })
    .option('retry-failed', { type: 'boolean', default: false, describe: 'Run the failed tasks of --out again' })
    .option('via', { choices: ['live', 'batch-api'] as const, default: 'live' as const, describe: 'live: parallel requests; batch-api: /v1/files + /v1/batches' })
    .option('poll-interval', {
      type: 'string',
      requiresArg: true,
      default: '30s',
      describe: 'Batch API: time between status polls',
      coerce: duration('poll-interval'),
    })
    .option('completion-window', { type: 'string', requiresArg: true, default: '24h', describe: 'Batch API: completion_window' })
    .option('batch-max-lines', { type: 'number', requiresArg: true, describe: 'Batch API: request lines per input file (at most 50000)' })
    .option('batch-max-bytes', { type: 'number', requiresArg: true, describe: 'Batch API: bytes per input file (at most 200 MB)' })
    .option('progress-interval', {
      type: 'string',
      requiresArg: true,
      default: '10s',
      describe: 'Time between progress lines when stderr is not a terminal',
      coerce: duration('progress-interval'),
    });
}

/** The parsed flags of `swarm run`. */
export type RunArgs = ReturnType<typeof builder> extends Argv<infer T>
  ? T & { readonly json: boolean; readonly verbose: boolean; readonly quiet: boolean; readonly config: string | undefined }
  : never;

/** `swarm run [tasks]`: wiring only; the implementation loads on demand. */
export function createRunCommand(context: CliContext): CommandModule<object, RunArgs> {
  return {
    command: 'run [tasks]',
    describe: 'Run tasks with rate limits, resume and a budget',
    builder: builder as unknown as CommandModule<object, RunArgs>['builder'],
    handler: async (args) => {
      const { run } = await import('./run.js');
      await run(args, context);
    },
  };
}
