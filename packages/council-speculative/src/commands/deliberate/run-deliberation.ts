import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  abortOnSigint,
  AbortedError,
  CommandExit,
  createColors,
  createLlmClient,
  describeProvider,
  priceFor,
  readTextInput,
  resolveProvider,
  UsageError,
} from '@whitebox/core';
import { loadPersonas, selectPersonas } from '@whitebox/oracle-batch';
import type { CliContext } from '@whitebox/core';
import type { CouncilTranscript, SpeculativeMode } from '../../council-transcript.js';
import { deliberate, resolveQuorum } from '../../deliberate.js';
import type { CouncilEvent } from '../../deliberate.js';
import { formatTranscriptMarkdown } from '../../format-transcript.js';
import type { DeliberateArgs } from './command.js';

/** The proposal from the arguments, `--file` or stdin; exactly one may be used. */
function readProposal(args: DeliberateArgs, context: CliContext): Promise<string> {
  return readTextInput({ name: 'proposal', words: args.proposal, file: args.file }, context);
}

function wholeNumber(flag: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${flag} must be a whole number from ${min}, got ${String(value)}`);
  return value;
}

function positive(flag: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`--${flag} must be a positive number, got ${String(value)}`);
  return value;
}

/**
 * Runs `council <proposal>`: deliberates, prints the transcript as Markdown (or JSON) on stdout
 * and progress on stderr, and writes `--out`.
 *
 * @throws {CommandExit} 1 when the council reached no verdict (after printing the transcript).
 * @throws {AbortedError} on Ctrl-C, after the requests in flight were aborted (exit 130).
 */
export async function runDeliberation(args: DeliberateArgs, context: CliContext): Promise<void> {
  const { stdout, stderr } = context.io;
  const c = createColors(stderr, context.env);
  const maxRounds = wholeNumber('max-rounds', args['max-rounds'], 1);
  const arbiterRetries = wholeNumber('arbiter-retries', args['arbiter-retries'], 0);
  const budgetUsd = positive('budget-usd', args['budget-usd']);
  const budgetTokens = positive('budget-tokens', args['budget-tokens']);
  if (budgetTokens !== undefined) wholeNumber('budget-tokens', budgetTokens, 1);
  if (!(args.epsilon >= 0 && args.epsilon <= 1)) throw new UsageError(`--epsilon must be a number from 0 to 1, got ${String(args.epsilon)}`);
  const names = args.personas
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new UsageError('--personas names nobody; give a comma-separated list such as judge,critic,skeptic');
  if (args.quorum !== undefined) {
    try {
      resolveQuorum(args.quorum, new Set(names).size);
    } catch (error) {
      throw new UsageError(`--quorum must be a whole number from 1 to ${new Set(names).size} or a share between 0 and 1, got ${String(args.quorum)}`, { cause: error });
    }
  }
  const proposal = await readProposal(args, context);
  const personas = selectPersonas(names, await loadPersonas({ cwd: context.cwd }));
  const provider = await resolveProvider({
    model: args.model,
    baseURL: args.baseUrl,
    configFile: args.config,
    cwd: context.cwd,
    env: context.env,
    requireModel: args['arbiter-model'] === undefined || personas.some((persona) => persona.model === undefined),
  });
  const client = createLlmClient({ provider, ...(context.fetch === undefined ? {} : { fetch: context.fetch }) });
  if (budgetUsd !== undefined) {
    const models = new Set([...personas.map((persona) => persona.model ?? provider.model), args['arbiter-model'] ?? provider.model]);
    const unpriced = [...models].filter((model): model is string => model !== undefined && priceFor(model, provider.prices) === undefined);
    if (unpriced.length > 0 && !args.quiet) {
      stderr.write(c.yellow(`council: no price for ${unpriced.join(', ')}: their calls count as $0 against --budget-usd; add "llm.prices" to .claude/whitebox.json or use --budget-tokens\n`));
    }
  }
  const mode = args.speculative as SpeculativeMode;

  const say = (line: string): void => {
    if (!args.quiet) stderr.write(`${line}\n`);
  };
  if (args.verbose) say(c.dim(`council: provider ${describeProvider(provider)}`));
  say(
    c.dim(
      `council: ${personas.map((persona) => persona.name).join(', ')} · up to ${maxRounds} round${maxRounds === 1 ? '' : 's'} · ${mode === 'off' ? 'not speculative' : `speculative (${mode})`}`,
    ),
  );
  const onEvent = (event: CouncilEvent): void => {
    switch (event.type) {
      case 'round-start':
        say(c.bold(`round ${event.round}${event.speculative ? ' (speculative, during the arbiter)' : ''}`));
        break;
      case 'persona': {
        const { result } = event;
        const tag = event.speculative ? c.dim(` [round ${event.round}, speculative]`) : '';
        if (result.status === 'answered') {
          say(`  ${c.green('✓')} ${result.persona}: ${result.verdict.verdict} (${result.verdict.confidence.toFixed(2)}) in ${(result.durationMs / 1000).toFixed(1)} s${tag}`);
        } else {
          say(`  ${c.red('✗')} ${result.persona}: ${result.error.code}: ${result.error.message.split('\n')[0] ?? ''}${tag}`);
        }
        break;
      }
      case 'arbiter-start':
        if (args.verbose) say(c.dim(`  … arbiter of round ${event.round}`));
        break;
      case 'arbiter-retry':
        say(c.yellow(`  ↻ arbiter of round ${event.round} failed (${event.error.split('\n')[0] ?? ''}); asking again`));
        break;
      case 'arbiter-done': {
        const who = event.source === 'arbiter' ? 'arbiter' : c.yellow('majority vote (arbiter failed)');
        say(`  ${who}: ${event.synthesis.verdict} (${event.synthesis.confidence.toFixed(2)}) · ${event.convergence.reason}`);
        break;
      }
      case 'speculation':
        say(c.dim(`  speculation for round ${event.round}: ${event.outcome} (${event.reason})`));
        break;
      case 'stop':
        say(`council: stopped: ${event.reason} (${event.detail})`);
        break;
    }
  };

  // One Ctrl-C cancels every request in flight: a council has nothing half-done worth finishing.
  const sigint = abortOnSigint(context.signals);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new AbortedError('Interrupted (SIGINT); the requests in flight were cancelled'));
  sigint.signal.addEventListener('abort', onSigint, { once: true });
  let transcript: CouncilTranscript;
  try {
    transcript = await deliberate(proposal, {
      client,
      personas,
      maxRounds,
      speculative: mode,
      arbiterModel: args['arbiter-model'],
      budgetUsd,
      budgetTokens,
      deadlineMs: args.deadline,
      quorum: args.quorum,
      epsilon: args.epsilon,
      arbiterRetries,
      stream: args.stream,
      signal: controller.signal,
      onEvent,
      ...(args.timeout === undefined ? {} : { timeoutMs: args.timeout }),
    });
  } finally {
    sigint.signal.removeEventListener('abort', onSigint);
    sigint.dispose();
  }

  const json = `${JSON.stringify(transcript, null, 2)}\n`;
  if (args.out !== undefined) {
    const file = path.resolve(context.cwd, args.out);
    try {
      await writeFile(file, file.endsWith('.md') ? formatTranscriptMarkdown(transcript) : json);
    } catch (error) {
      throw new UsageError(`--out ${args.out}: cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
  }
  stdout.write(args.json ? json : formatTranscriptMarkdown(transcript));
  const { final } = transcript;
  const seconds = (transcript.durationMs / 1000).toFixed(2);
  if (final === null) {
    say(c.red(`council: no verdict after ${seconds} s (${transcript.stopReason})`));
    throw new CommandExit(1);
  }
  const waste = transcript.wasted.calls === 0 ? '' : `, wasted ${transcript.wasted.usage.totalTokens} tokens in ${transcript.wasted.calls} calls`;
  say(c.dim(`council: ${final.verdict} at round ${final.round} in ${seconds} s, ${transcript.usage.totalTokens} tokens${waste}`));
}
