import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { abortOnSigint, CommandExit, createColors, describeProvider, priceFor, resolveProvider, UsageError } from '@whitebox/core';
import type { Colors } from '@whitebox/core';
import { runSwarmBatch } from '../../batch/run-swarm-batch.js';
import type { BatchNotice, BatchProgress, SwarmBatchSummary } from '../../batch/run-swarm-batch.js';
import type { CliContext } from '../../cli-context.js';
import { formatBatchProgress, formatSwarmProgress, startProgressPrinter } from '../../progress-printer.js';
import { checkTaskFile, readTaskFile } from '../../read-task-file.js';
import { checkTemplateTasks, readTemplateTasks } from '../../read-template-tasks.js';
import { runSwarm } from '../../run-swarm.js';
import type { SwarmNotice, SwarmProgress, SwarmSummary } from '../../run-swarm.js';
import type { SwarmTask } from '../../swarm-task.js';
import { TaskInputError } from '../../task-input-error.js';
import type { TaskCheck } from '../../task-input-error.js';
import type { RunArgs } from './command.js';

function positive(flag: string, value: number | undefined, integer = false): void {
  if (value === undefined) return;
  if (!(Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value)))) {
    throw new UsageError(`--${flag} must be a positive ${integer ? 'whole number' : 'number'}, got ${String(value)}`);
  }
}

function usd(value: number): string {
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

function formatReasons(failures: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(failures)
    .filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${reason} ${count}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

interface Input {
  readonly label: string;
  readonly check: () => Promise<TaskCheck>;
  readonly open: () => AsyncIterable<SwarmTask>;
}

async function describeInput(args: RunArgs, context: CliContext, model: string | undefined): Promise<Input> {
  const resolve = (file: string): string => path.resolve(context.cwd, file);
  if (args.template !== undefined || args.data !== undefined) {
    if (args.tasks !== undefined) throw new UsageError('give either a tasks file or --template with --data, not both');
    const templateFile = resolve(args.template as string);
    let template: string;
    try {
      template = await readFile(templateFile, 'utf8');
    } catch (error) {
      throw new UsageError(`--template ${args.template}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
    if (model === undefined) throw new UsageError('template tasks need a model: pass --model or set WHITEBOX_MODEL');
    const source = { template, dataFile: resolve(args.data as string), idColumn: args['id-column'], model };
    return { label: args.data as string, check: () => checkTemplateTasks(source), open: () => readTemplateTasks(source) };
  }
  if (args.tasks === undefined) throw new UsageError('no tasks: pass tasks.jsonl, or --template prompt.md with --data rows.csv');
  const file = resolve(args.tasks);
  return { label: args.tasks, check: () => checkTaskFile(file, { defaultModel: model }), open: () => readTaskFile(file) };
}

/**
 * `swarm run`: checks the whole input first (exit 2 with line numbers, nothing sent), then runs
 * it live or through the Batch API, with progress on stderr and a summary at the end.
 *
 * @throws {CommandExit} 1 when tasks failed or the budget stopped the run, 130 after Ctrl-C.
 */
export async function run(args: RunArgs, context: CliContext): Promise<void> {
  const { stderr } = context.io;
  const c = createColors(stderr, context.env);
  positive('workers', args.workers, true);
  positive('rpm', args.rpm);
  positive('tpm', args.tpm);
  positive('burst', args.burst);
  positive('max-attempts', args['max-attempts'], true);
  positive('budget-usd', args['budget-usd']);
  positive('batch-max-lines', args['batch-max-lines'], true);
  positive('batch-max-bytes', args['batch-max-bytes'], true);
  const batchApi = args.via === 'batch-api';
  if (batchApi && args['budget-usd'] !== undefined) {
    throw new UsageError('--budget-usd applies to live runs; a batch is priced after it runs (at about half the list price)');
  }

  const provider = await resolveProvider({
    model: args.model,
    baseURL: args.baseUrl,
    configFile: args.config,
    cwd: context.cwd,
    env: context.env,
    requireModel: false,
  });
  const input = await describeInput(args, context, provider.model);
  const check = await input.check();
  if (check.problemCount > 0) throw new TaskInputError(input.label, check.problems, check.problemCount);
  if (check.count === 0) throw new UsageError(`${input.label}: no tasks`);
  if (args['budget-usd'] !== undefined) {
    const unpriced = [...check.models].filter((model) => priceFor(model, provider.prices) === undefined);
    if (unpriced.length > 0) {
      throw new UsageError(`--budget-usd needs a price for ${unpriced.join(', ')}; add it under "llm.prices" in .claude/whitebox.json`);
    }
  }

  const out = path.resolve(context.cwd, args.out);
  const say = (line: string): void => {
    if (!args.quiet) stderr.write(`${line}\n`);
  };
  if (args.verbose) say(c.dim(`swarm: provider ${describeProvider(provider)}`));
  const mode = args.quiet ? 'off' : stderr.isTTY === true ? 'bar' : 'lines';
  const sigint = abortOnSigint(context.signals);
  try {
    if (batchApi) {
      await runViaBatchApi(args, context, { provider, input, out, mode, say, c, signal: sigint.signal });
    } else {
      await runLive(args, context, { provider, input, check, out, mode, say, c, signal: sigint.signal, forceSignal: sigint.forceSignal });
    }
  } finally {
    sigint.dispose();
  }
}

interface RunSetup {
  readonly provider: Awaited<ReturnType<typeof resolveProvider>>;
  readonly input: Input;
  readonly out: string;
  readonly mode: 'bar' | 'lines' | 'off';
  readonly say: (line: string) => void;
  readonly c: Colors;
  readonly signal: AbortSignal;
}

async function runLive(args: RunArgs, context: CliContext, setup: RunSetup & { readonly check: TaskCheck; readonly forceSignal: AbortSignal }): Promise<void> {
  const { c, say, out, check } = setup;
  const { stderr, stdout } = context.io;
  let printer: ReturnType<typeof startProgressPrinter<SwarmProgress>> | undefined;
  const tell = (line: string): void => {
    if (args.quiet) return;
    if (printer) printer.say(line);
    else stderr.write(`${line}\n`);
  };
  const onNotice = (notice: SwarmNotice): void => {
    if (notice.type === 'resume') {
      const { state } = notice;
      if (state.repairedTail === 'truncated') tell(c.yellow(`swarm: ${args.out} ended with a cut-off line (a killed run); it was removed`));
      if (state.malformed > 0) tell(c.yellow(`swarm: ${args.out}: ${state.malformed} malformed lines were ignored`));
      if (state.done + state.failed > 0 || state.removedFailed > 0) {
        const again = state.removedFailed > 0 ? `, ${state.removedFailed} failed to run again` : state.failed > 0 ? `, ${state.failed} failed (skipped; --retry-failed runs them again)` : '';
        tell(c.dim(`swarm: resuming ${args.out}: ${state.done} done${again}`));
      }
    } else if (notice.type === 'cooldown') {
      if (args.verbose) tell(c.yellow(`swarm: 429; every request waits ${notice.ms} ms`));
    } else if (notice.type === 'budget') {
      tell(
        c.yellow(
          `swarm: stopping at the budget: ${usd(notice.spentUsd)} spent, and the next task would bring the projection to ${usd(notice.projectedUsd)}, over --budget-usd ${usd(notice.budgetUsd)}`,
        ),
      );
    } else if (notice.type === 'stopping') {
      tell(
        c.yellow(
          notice.reason === 'interrupted'
            ? `swarm: interrupted; waiting for ${notice.inFlight} tasks in flight (Ctrl-C again cancels them)`
            : `swarm: cancelling ${notice.inFlight} tasks in flight; they run again on resume`,
        ),
      );
    }
  };

  const running = runSwarm(setup.input.open(), {
    provider: setup.provider,
    ...(context.fetch === undefined ? {} : { fetch: context.fetch }),
    out,
    total: check.count,
    retryFailed: args['retry-failed'],
    workers: args.workers,
    rpm: args.rpm,
    tpm: args.tpm,
    burstSeconds: args.burst,
    cooldownMs: args.cooldown,
    timeoutMs: args.timeout,
    attemptTimeoutMs: args['attempt-timeout'],
    retry: { maxAttempts: args['max-attempts'] },
    budgetUsd: args['budget-usd'],
    signal: setup.signal,
    forceSignal: setup.forceSignal,
    onNotice,
  });
  printer = startProgressPrinter({
    stream: stderr,
    source: () => running.progress(),
    format: (progress, bar) => formatSwarmProgress(progress, c, bar),
    mode: setup.mode,
    intervalMs: args['progress-interval'],
  });
  let summary: SwarmSummary;
  try {
    summary = await running;
  } finally {
    printer.stop();
    printer = undefined;
  }

  if (args.json) stdout.write(`${JSON.stringify({ ...summary, resume: summary.resume === undefined ? undefined : { ...summary.resume, skip: summary.resume.skip.size } }, null, 2)}\n`);
  const finished = summary.done + summary.failed;
  const notStarted = Math.max(0, (summary.pending ?? check.count) - finished - summary.aborted);
  const seconds = summary.elapsedMs / 1000;
  say(
    `swarm: ${finished} finished in ${seconds.toFixed(1)} s (${summary.ratePerSecond.toFixed(1)}/s): ${c.green(`${summary.done} done`)}, ` +
      `${summary.failed > 0 ? c.red(`${summary.failed} failed`) : '0 failed'}${formatReasons(summary.failures)}; ${usd(summary.spentUsd)} spent` +
      (summary.priorSpentUsd > 0 ? ` (${usd(summary.spentUsd + summary.priorSpentUsd)} with earlier runs)` : ''),
  );
  if (summary.skipped > 0) say(c.dim(`  ${summary.skipped} skipped: already in ${args.out}${summary.skippedFailed > 0 ? ` (${summary.skippedFailed} of them failed; --retry-failed runs them again)` : ''}`));
  const limits = summary.rateLimit;
  if (limits.rpm !== undefined || limits.tpm !== undefined || limits.cooldowns > 0) {
    say(
      c.dim(
        `  rate limit: ${limits.rpm === undefined ? 'no rpm' : `${limits.rpm} rpm`}, ${limits.tpm === undefined ? 'no tpm' : `${limits.tpm} tpm`}, ` +
          `${limits.cooldowns} cooldowns after a 429, ${limits.corrections} corrections from headers`,
      ),
    );
  }
  say(c.dim(`  results: ${args.out}`));

  if (summary.stopReason === 'interrupted' || summary.stopReason === 'aborted') {
    const cancelled = summary.aborted > 0 ? `${summary.aborted} cancelled in flight, ` : '';
    say(c.yellow(`swarm: interrupted: ${cancelled}${notStarted} not started; run the same command again to resume`));
    throw new CommandExit(130);
  }
  if (summary.stopReason === 'budget') {
    say(c.yellow(`swarm: stopped at the budget with ${notStarted} tasks not started; raise --budget-usd and run the same command to continue`));
    throw new CommandExit(1);
  }
  if (summary.failed + summary.skippedFailed > 0) throw new CommandExit(1);
}

async function runViaBatchApi(args: RunArgs, context: CliContext, setup: RunSetup): Promise<void> {
  const { c, say, out } = setup;
  const { stderr, stdout } = context.io;
  let latest: BatchProgress = { batches: [], finished: 0, total: 0, elapsedMs: 0 };
  let printer: ReturnType<typeof startProgressPrinter<BatchProgress>> | undefined;
  const tell = (line: string): void => {
    if (args.quiet) return;
    if (printer) printer.say(line);
    else stderr.write(`${line}\n`);
  };
  const onNotice = (notice: BatchNotice): void => {
    if (notice.type === 'resume' && notice.outstanding > 0) tell(c.dim(`swarm: resuming ${notice.outstanding} submitted batches from ${args.out}.batches.json`));
    else if (notice.type === 'submitted') tell(c.dim(`swarm: submitted ${notice.batchId} (${notice.lines} requests)`));
    else if (notice.type === 'adopted') tell(c.dim(`swarm: found ${notice.batchId} for ${notice.inputFileId}, submitted before the last run stopped`));
    else if (notice.type === 'collected') tell(c.dim(`swarm: ${notice.batchId} ${notice.status}: ${notice.done} done, ${notice.failed} failed`));
    else if (notice.type === 'batch-failed') tell(c.red(`swarm: ${notice.batchId} failed validation:\n  ${notice.errors.slice(0, 10).join('\n  ')}`));
  };
  printer = startProgressPrinter({
    stream: stderr,
    source: () => latest,
    format: (progress, bar) => formatBatchProgress(progress, c, bar),
    mode: setup.mode,
    intervalMs: args['progress-interval'],
  });
  let summary: SwarmBatchSummary;
  try {
    summary = await runSwarmBatch(setup.input.open(), {
      provider: setup.provider,
      ...(context.fetch === undefined ? {} : { fetch: context.fetch }),
      out,
      retryFailed: args['retry-failed'],
      maxLines: args['batch-max-lines'],
      maxBytes: args['batch-max-bytes'],
      pollIntervalMs: Math.max(1, Math.round(args['poll-interval'] as number)),
      completionWindow: args['completion-window'],
      signal: setup.signal,
      onProgress: (progress) => {
        latest = progress;
      },
      onNotice,
    });
  } finally {
    printer.stop();
    printer = undefined;
  }
  if (args.json) stdout.write(`${JSON.stringify({ ...summary, resume: { ...summary.resume, skip: summary.resume.skip.size } }, null, 2)}\n`);
  say(
    `swarm batch: ${summary.done + summary.failed} results in ${(summary.elapsedMs / 1000).toFixed(1)} s: ${c.green(`${summary.done} done`)}, ` +
      `${summary.failed > 0 ? c.red(`${summary.failed} failed`) : '0 failed'}${formatReasons(summary.failures)}; ${usd(summary.spentUsd)} at the batch price`,
  );
  if (summary.skipped > 0) say(c.dim(`  ${summary.skipped} skipped: already in ${args.out} or in a submitted batch`));
  say(c.dim(`  batches: ${summary.submitted.length} submitted, ${summary.resumed.length} resumed; results: ${args.out}`));
  if (summary.stopReason === 'interrupted') {
    say(c.yellow(`swarm: stopped polling; the batches keep running. Run the same command again to collect them, or \`swarm batch cancel <id>\` (ids in ${args.out}.batches.json)`));
    throw new CommandExit(130);
  }
  if (summary.failedBatches.length > 0 || summary.failed > 0 || summary.resume.failed > 0) throw new CommandExit(1);
}
