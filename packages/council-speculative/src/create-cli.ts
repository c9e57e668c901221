import yargs from 'yargs';
import type { Argv } from 'yargs';
import { withCommonOptions } from '@whitebox/core';
import type { CliContext } from '@whitebox/core';
import { processContext } from '@whitebox/core';
import { createDeliberateCommand } from './commands/deliberate/command.js';
import { createReplayCommand } from './commands/replay/command.js';

const MODES = ['accept', 'restart', 'off'];

const EPILOGUE = `Speculation: --speculative (= accept) starts round N+1 while round N's arbiter runs. accept keeps those
answers when the arbiter does not converge (round prompts never include the synthesis, so nothing is lost);
restart asks again when the synthesis raised open questions no answer mentioned. On convergence the
speculative requests are aborted and their tokens reported as wasted.

Provider: flags, then OPENAI_BASE_URL / OPENAI_API_KEY / WHITEBOX_MODEL, then "llm" in .claude/whitebox.json.
Personas: oracle's built-ins plus .claude/personas/*.md.
Exit codes: 0 a verdict, 1 no verdict (round 1 missed its quorum or was stopped; replay: not reproduced),
2 usage error, 130 interrupted (Ctrl-C).`;

/**
 * Gives `--speculative` an optional value: bare, it means `accept`; `--speculative restart` and
 * `--speculative=restart` both work. yargs would otherwise take the proposal as its value.
 */
export function normaliseSpeculativeFlag(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (arg === '--speculative') {
      const next = args[i + 1];
      if (next !== undefined && MODES.includes(next)) {
        out.push(`--speculative=${next}`);
        i++;
      } else {
        out.push('--speculative=accept');
      }
    } else if (arg === '--no-speculative') {
      out.push('--speculative=off');
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * The `council` command line. Exported so tests can run it in-process.
 *
 * @param context - Process edges to use instead of the real ones (tests).
 */
export function createCli(args: readonly string[], context: Partial<CliContext> = {}): Argv {
  const ctx: CliContext = { ...processContext(), ...context };
  return withCommonOptions(yargs(normaliseSpeculativeFlag(args)))
    .scriptName('council')
    .usage('$0 [options] <proposal..>\n$0 replay <transcript.json>\n\nA council of personas deliberates over rounds; an arbiter synthesises each round and the council stops on measured convergence.')
    .command(createDeliberateCommand(ctx))
    .command(createReplayCommand(ctx))
    .example('$0 "Replace the nightly cron job with a queue"', 'judge, critic and skeptic, up to 3 rounds')
    .example('$0 --speculative --max-rounds 4 --budget-usd 0.05 --file plan.md', 'speculative rounds, a dollar budget')
    .example('$0 --speculative=restart --deadline 2m --out transcript.json "Adopt pnpm catalogs"', 'restart mode, JSON transcript saved')
    .example('$0 replay transcript.json', 're-run aggregation and convergence offline')
    .epilogue(EPILOGUE)
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110));
}
