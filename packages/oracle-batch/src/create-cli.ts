import yargs from 'yargs';
import type { Argv } from 'yargs';
import { withCommonOptions } from '@whitebox/core';
import type { CliContext } from '@whitebox/core';
import { processContext } from '@whitebox/core';
import { createAskCommand } from './commands/ask/command.js';
import { createPersonasCommand } from './commands/personas/command.js';

const EPILOGUE = `Provider: flags, then OPENAI_BASE_URL / OPENAI_API_KEY / WHITEBOX_MODEL, then "llm" in .claude/whitebox.json.
  OpenAI     OPENAI_API_KEY=... WHITEBOX_MODEL=gpt-4.1-mini
  Ollama     OPENAI_BASE_URL=http://localhost:11434/v1 WHITEBOX_MODEL=llama3.2
  vLLM       OPENAI_BASE_URL=http://localhost:8000/v1 WHITEBOX_MODEL=<served model>
  llm-sim    OPENAI_BASE_URL=http://127.0.0.1:8787/v1 WHITEBOX_MODEL=gpt-4o-mini

Personas: built-ins plus .claude/personas/*.md (front matter: name, description, model, temperature).
Exit codes: 0 at least one persona answered, 1 all failed, 2 usage error, 130 interrupted (Ctrl-C).`;

/**
 * The `oracle` command line. Exported so tests can run it in-process.
 *
 * @param context - Process edges to use instead of the real ones (tests).
 */
export function createCli(args: readonly string[], context: Partial<CliContext> = {}): Argv {
  const ctx: CliContext = { ...processContext(), ...context };
  return withCommonOptions(yargs([...args]))
    .scriptName('oracle')
    .usage('$0 --persona <name> | --batch <a,b,c> [proposal..]\n\nAsks several personas about one proposal in parallel and aggregates their structured verdicts.')
    .command(createAskCommand(ctx))
    .command(createPersonasCommand(ctx))
    .example('$0 --persona judge "Replace the cron job with a queue"', 'one persona')
    .example('$0 --batch judge,critic,skeptic --file plan.md', 'three personas in parallel')
    .example('git diff | $0 --batch security,maintainer --json', 'the proposal on stdin, JSON out')
    .example('$0 personas', 'list the personas')
    .epilogue(EPILOGUE)
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110));
}
