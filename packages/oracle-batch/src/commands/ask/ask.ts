import path from 'node:path';
import {
  abortOnSigint,
  AbortedError,
  CommandExit,
  createColors,
  createLlmClient,
  describeProvider,
  readTextInput,
  resolveProvider,
  UsageError,
} from '@whitebox/core';
import type { CliContext } from '@whitebox/core';
import { askPersonas } from '../../ask-personas.js';
import type { PersonaEvent } from '../../ask-personas.js';
import { formatReportMarkdown } from '../../format-report.js';
import { loadPersonas, selectPersonas } from '../../persona.js';
import { createResponseCache, defaultCacheDir } from '../../response-cache.js';
import type { AskArgs } from './command.js';

const DEFAULT_TIMEOUT_MS = 120_000;

/** The proposal from the arguments, `--file` or stdin; exactly one may be used. */
function readProposal(args: AskArgs, context: CliContext): Promise<string> {
  return readTextInput({ name: 'proposal', words: args.proposal, file: args.file, implicitStdin: true }, context);
}

function personaNames(args: AskArgs): string[] {
  const persona: unknown = args.persona;
  const names = args.batch !== undefined ? args.batch.split(',') : persona === undefined ? [] : [persona].flat();
  const cleaned = names.map((name) => String(name).trim()).filter((name) => name !== '');
  if (cleaned.length === 0) {
    throw new UsageError('say which personas to ask: --persona judge, or --batch judge,critic,skeptic (see `oracle personas`)');
  }
  return cleaned;
}

/**
 * Runs `oracle --persona|--batch`: asks the personas in parallel, prints Markdown (or JSON) on
 * stdout and progress on stderr.
 *
 * @throws {CommandExit} 1 when every persona failed (after printing the report).
 * @throws {AbortedError} on Ctrl-C, after the in-flight requests were aborted (exit 130).
 */
export async function ask(args: AskArgs, context: CliContext): Promise<void> {
  const { stdout, stderr } = context.io;
  const c = createColors(stderr, context.env);
  const names = personaNames(args);
  if (args.concurrency !== undefined && !(Number.isInteger(args.concurrency) && args.concurrency >= 1)) {
    throw new UsageError(`--concurrency must be a whole number from 1 up, got ${String(args.concurrency)}`);
  }
  const proposal = await readProposal(args, context);
  const personas = selectPersonas(names, await loadPersonas({ cwd: context.cwd }));
  const provider = await resolveProvider({
    model: args.model,
    baseURL: args.baseUrl,
    configFile: args.config,
    cwd: context.cwd,
    env: context.env,
    requireModel: personas.some((persona) => persona.model === undefined),
  });
  const timeoutMs = args.timeout ?? DEFAULT_TIMEOUT_MS;
  const cache = args.cache
    ? createResponseCache({ dir: args['cache-dir'] === undefined ? defaultCacheDir(context.env) : path.resolve(context.cwd, args['cache-dir']), ttlMs: args['cache-ttl'] })
    : undefined;
  const client = createLlmClient({ provider, ...(context.fetch === undefined ? {} : { fetch: context.fetch }) });

  const say = (line: string): void => {
    if (!args.quiet) stderr.write(`${line}\n`);
  };
  if (args.verbose) say(c.dim(`oracle: provider ${describeProvider(provider)}`));
  say(c.dim(`oracle: asking ${personas.map((persona) => persona.name).join(', ')} (timeout ${timeoutMs / 1000} s)…`));
  const onEvent = (event: PersonaEvent): void => {
    if (event.type === 'retry') {
      say(c.yellow(`  ↻ ${event.persona}: ${event.reason}; retrying in ${(event.delayMs / 1000).toFixed(1)} s`));
    } else if (event.type === 'warning') {
      say(c.yellow(`  ! ${event.persona}: ${event.message}`));
    } else if (event.type === 'done') {
      const { result } = event;
      const time = `${(result.durationMs / 1000).toFixed(1)} s`;
      if (result.status === 'answered') {
        const note = result.cached ? ' (cached)' : result.calls > 1 ? ' (asked twice: the first answer was invalid)' : '';
        say(`  ${c.green('✓')} ${result.persona}: ${result.verdict.verdict} (${result.verdict.confidence.toFixed(2)}) in ${time}${note}`);
      } else {
        say(`  ${c.red('✗')} ${result.persona}: ${result.error.code}: ${result.error.message.split('\n')[0] ?? ''}`);
      }
    } else if (args.verbose) {
      say(c.dim(`  … ${event.persona} (${event.model})`));
    }
  };

  // One Ctrl-C cancels the requests in flight at once: an oracle run has nothing else to finish.
  const sigint = abortOnSigint(context.signals);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new AbortedError('Interrupted (SIGINT); the requests in flight were cancelled'));
  sigint.signal.addEventListener('abort', onSigint, { once: true });
  let report;
  try {
    report = await askPersonas(proposal, personas, {
      client,
      timeoutMs,
      signal: controller.signal,
      cache,
      onEvent,
      stream: args.stream,
      ...(args.concurrency === undefined ? {} : { maxWorkers: args.concurrency }),
    });
  } finally {
    sigint.signal.removeEventListener('abort', onSigint);
    sigint.dispose();
  }

  stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReportMarkdown(report));
  if (report.aggregate.answered === 0) {
    if (!args.json) say(c.red(`oracle: all ${report.results.length} personas failed`));
    throw new CommandExit(1);
  }
}
