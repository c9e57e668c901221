import yargs from 'yargs';
import type { Argv } from 'yargs';
import { withCommonOptions } from '@whitebox/core';
import type { CliContext } from './cli-context.js';
import { processContext } from './cli-context.js';
import { createBatchCommand } from './commands/batch/command.js';
import { createRunCommand } from './commands/run/command.js';
import { createStatusCommand } from './commands/status/command.js';

const EPILOGUE = `Provider: flags, then OPENAI_BASE_URL / OPENAI_API_KEY / WHITEBOX_MODEL, then "llm" in .claude/whitebox.json.
Results: one JSONL line per finished task, {id, status, output, usage, cost, latency_ms, attempts, model, error?}.
Re-running the same command resumes: finished ids are skipped; --retry-failed runs the failures again.
Exit codes: 0 every task done, 1 some failed or the budget stopped the run, 2 usage or invalid input (nothing sent), 130 interrupted.`;

/**
 * The `swarm` command line. Exported so tests can run it in-process.
 *
 * @param context - Process edges to use instead of the real ones (tests).
 */
export function createCli(args: readonly string[], context: Partial<CliContext> = {}): Argv {
  const ctx: CliContext = { ...processContext(), ...context };
  return withCommonOptions(yargs([...args]))
    .scriptName('swarm')
    .usage('$0 <command>\n\nRuns thousands of LLM tasks in parallel with rate limits, resume and budgets, or through the Batch API.')
    .command(createRunCommand(ctx))
    .command(createStatusCommand(ctx))
    .command(createBatchCommand(ctx))
    .demandCommand(1, 'Pass a command: run, status or batch. See --help.')
    .example('$0 run tasks.jsonl --out results.jsonl', 'run every task with 50 workers')
    .example('$0 run --template prompt.md --data rows.csv --out results.jsonl --rpm 500', 'one prompt per CSV row, 500 requests a minute')
    .example('$0 run tasks.jsonl --out results.jsonl --budget-usd 5', 'stop scheduling before $5 is spent')
    .example('$0 run tasks.jsonl --out results.jsonl --via batch-api', 'the same tasks through /v1/batches, at about half the price')
    .example('$0 status results.jsonl', 'counts, failures, spend and latency')
    .epilogue(EPILOGUE)
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110));
}
