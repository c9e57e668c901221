import {
  createJsonlAppender,
  createLlmClient,
  costOf,
  formatZodIssues,
  parseRateLimitHeaders,
  parseRetryAfter,
  priceFor,
  sleep,
  WhiteboxError,
} from '@whitebox/core';
import type { JsonlAppender, LlmClient, PriceTable, ProviderConfig, RetryPolicy } from '@whitebox/core';
import { runParallel } from '@whitebox/parallel-core';
import { createHttpFetch } from './create-http-fetch.js';
import { createRateLimiter } from './rate-limiter.js';
import type { RateLimiter, RateLimiterStats } from './rate-limiter.js';
import { prepareResultsFile } from './results-file.js';
import type { ResumeState } from './results-file.js';
import { describeFailure } from './swarm-result.js';
import type { FailureReason, SwarmResult } from './swarm-result.js';
import { estimatePromptTokens, SwarmTaskSchema, taskMessages, wantsJson } from './swarm-task.js';
import type { SwarmTask } from './swarm-task.js';

/** The default and maximum of the default worker count: the worker count the original design found best. */
export const DEFAULT_WORKERS = 50;
/** Completion tokens assumed for pacing and budgets until real answers show the average. */
const INITIAL_COMPLETION_GUESS = 256;

/** A snapshot for progress output, taken after every finished task and on demand. */
export interface SwarmProgress {
  /** Tasks the input holds (the `total` option, or the array's length), when known. */
  readonly total: number | undefined;
  /** Tasks this run expects to finish: `total` minus the ids the results file already has, when known. */
  readonly pending: number | undefined;
  /** Tasks already finished in the results file and skipped. */
  readonly skipped: number;
  /** Done in this run. */
  readonly done: number;
  /** Failed in this run. */
  readonly failed: number;
  /** Started and not yet finished (waiting for the rate limit included). */
  readonly inFlight: number;
  /** Dollars spent in this run. */
  readonly spentUsd: number;
  /** Dollars spent before this run, from the results file. */
  readonly priorSpentUsd: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
  /** Finished tasks per second in this run. */
  readonly ratePerSecond: number;
  /** Estimated milliseconds left, when the total is known and the rate is not zero. */
  readonly etaMs: number | undefined;
  /** The rate limiter's state. */
  readonly rateLimit: RateLimiterStats;
  /** Set once scheduling has stopped early. */
  readonly stopping: SwarmStopReason | undefined;
}

/** Why a run ended: it ran out of tasks, hit the budget, was interrupted (first signal) or aborted (second signal). */
export type SwarmStopReason = 'completed' | 'budget' | 'interrupted' | 'aborted';

/** Something worth telling the user while a run goes on. */
export type SwarmNotice =
  | { readonly type: 'resume'; readonly state: ResumeState }
  | { readonly type: 'cooldown'; readonly ms: number; readonly status: number }
  | { readonly type: 'budget'; readonly budgetUsd: number; readonly spentUsd: number; readonly projectedUsd: number }
  | { readonly type: 'stopping'; readonly reason: 'interrupted' | 'aborted'; readonly inFlight: number };

/** What {@link runSwarm} resolves to. */
export interface SwarmSummary extends SwarmProgress {
  /** Why scheduling ended. */
  readonly stopReason: SwarmStopReason;
  /** Tasks read from the input in this run (skipped ones included); less than `total` after an early stop. */
  readonly seen: number;
  /** In-flight tasks cancelled by the second signal; they have no result and run again on resume. */
  readonly aborted: number;
  /** Failed tasks skipped from an earlier run (without `retryFailed`). */
  readonly skippedFailed: number;
  /** Failures of this run by reason. */
  readonly failures: Readonly<Partial<Record<FailureReason, number>>>;
  /** Prompt and completion tokens of this run. */
  readonly tokens: { readonly prompt: number; readonly completion: number };
  /** What the results file held and how it was repaired, when `out` was given. */
  readonly resume: ResumeState | undefined;
}

/** Options for {@link runSwarm}. */
export interface RunSwarmOptions {
  /** Where requests go; from `resolveProvider`. */
  readonly provider: ProviderConfig;
  /** The `fetch` to use; tests inject one. @default a keep-alive `node:http` fetch ({@link createHttpFetch}) */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** The model of tasks without one. @default provider.model */
  readonly model?: string | undefined;
  /**
   * The results JSONL. Results are appended as they finish; ids it already holds are skipped, so
   * calling again with the same file resumes. Without it, results only reach `onResult`.
   */
  readonly out?: string | undefined;
  /** Called with every result as it is written. */
  readonly onResult?: ((result: SwarmResult) => void) | undefined;
  /** With `out`: run the failed tasks again (their old lines are removed). @default false */
  readonly retryFailed?: boolean | undefined;
  /** How many tasks there are, for the default worker count, progress and ETA. @default the array's length */
  readonly total?: number | undefined;
  /** Tasks in flight at once. @default min(total, 50) */
  readonly workers?: number | undefined;
  /** Requests per minute. @default none until the provider's headers announce one */
  readonly rpm?: number | undefined;
  /** Tokens per minute (prompt + completion). @default none until the headers announce one */
  readonly tpm?: number | undefined;
  /** Seconds of quota that may go out in one burst; see `RateLimiterOptions.burstSeconds`. @default 1 */
  readonly burstSeconds?: number | undefined;
  /** The global pause after a 429 that carries no `retry-after`. @default 1000 */
  readonly cooldownMs?: number | undefined;
  /** Time limit of one task in ms, retries and their waits included (queueing for the rate limit excluded). @default 600000 */
  readonly timeoutMs?: number | undefined;
  /** Time limit of one HTTP attempt in ms; a hung request is retried after it. @default min(timeoutMs, 120000) */
  readonly attemptTimeoutMs?: number | undefined;
  /** Retry settings of core's retry loop. @default { maxAttempts: 5 } */
  readonly retry?: RetryPolicy | undefined;
  /**
   * Stop scheduling when spent + in flight + the next task would pass this many dollars. Spend
   * already in `out` counts. Tasks in flight finish, so estimates that were too low can carry the
   * final figure a little past it.
   */
  readonly budgetUsd?: number | undefined;
  /** Prices. @default provider.prices */
  readonly prices?: PriceTable | undefined;
  /** Aborting stops scheduling; tasks in flight finish (the first Ctrl-C). */
  readonly signal?: AbortSignal | undefined;
  /** Aborting cancels the tasks in flight too; they get no result (the second Ctrl-C). */
  readonly forceSignal?: AbortSignal | undefined;
  /** Called after every finished task. */
  readonly onProgress?: ((progress: SwarmProgress) => void) | undefined;
  /** Called with cooldowns, budget stops and the like. */
  readonly onNotice?: ((notice: SwarmNotice) => void) | undefined;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** A handle on a running swarm, for progress displays that refresh on a timer. */
export interface SwarmRun extends Promise<SwarmSummary> {
  /** The progress right now. */
  progress(): SwarmProgress;
}

function checkPositive(name: string, value: unknown, integer = false): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new TypeError(`Expected \`${name}\` to be a positive ${integer ? 'integer' : 'number'}, got \`${String(value)}\` (${typeof value})`);
  }
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === 'object' && value !== null && typeof (value as AbortSignal).addEventListener === 'function' && 'aborted' in value;
}

function validate(options: RunSwarmOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got \`${String(options)}\` (${typeof options})`);
  }
  if (typeof options.provider !== 'object' || options.provider === null || typeof options.provider.baseURL !== 'string') {
    throw new TypeError(`Expected \`options.provider\` to be a ProviderConfig, got \`${String(options.provider)}\` (${typeof options.provider})`);
  }
  checkPositive('workers', options.workers, true);
  checkPositive('rpm', options.rpm);
  checkPositive('tpm', options.tpm);
  checkPositive('budgetUsd', options.budgetUsd);
  checkPositive('timeoutMs', options.timeoutMs);
  checkPositive('attemptTimeoutMs', options.attemptTimeoutMs);
  checkPositive('cooldownMs', options.cooldownMs);
  if (options.total !== undefined && !(Number.isInteger(options.total) && options.total >= 0)) {
    throw new TypeError(`Expected \`total\` to be an integer >= 0, got \`${String(options.total)}\` (${typeof options.total})`);
  }
  if (options.out !== undefined && (typeof options.out !== 'string' || options.out === '')) {
    throw new TypeError(`Expected \`out\` to be a file path, got \`${String(options.out)}\` (${typeof options.out})`);
  }
  for (const name of ['signal', 'forceSignal'] as const) {
    if (options[name] !== undefined && !isAbortSignal(options[name])) {
      throw new TypeError(`Expected \`${name}\` to be an AbortSignal, got \`${String(options[name])}\` (${typeof options[name]})`);
    }
  }
  for (const name of ['onResult', 'onProgress', 'onNotice', 'fetch', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`Expected \`${name}\` to be a function, got \`${String(options[name])}\` (${typeof options[name]})`);
    }
  }
}

interface Scheduled {
  readonly task: SwarmTask;
  readonly model: string;
  readonly tokens: number;
  readonly costUsd: number;
}

/**
 * Runs every task through the provider with at most `workers` in flight, paced by RPM/TPM token
 * buckets that the provider's `x-ratelimit-*` headers correct, a global cooldown after each 429,
 * core's retry loop (every retry passes the buckets again) and per-task timeouts. Each result is
 * appended to `out` as whole lines in the same turn of the event loop as its task finishes, so the
 * run can be killed at any point and resumed with the same call: finished ids are skipped, and a
 * task that was in flight (or whose line was not written yet) runs again.
 *
 * `tasks` may be an async iterable streamed from disk; it is read one task at a time as workers
 * free up, so memory stays flat whatever the count (only the ids are kept, to catch duplicates).
 *
 * @returns A promise of the summary, with `progress()` for live displays.
 * @throws TypeError for bad options (synchronously); the promise rejects with a
 *   `WhiteboxError` `INPUT_INVALID` for an invalid or duplicate task (after the tasks in flight
 *   finished) and `IO` when the results file cannot be written.
 * @example
 * const summary = await runSwarm(readTaskFile('tasks.jsonl'), {
 *   provider: await resolveProvider(), out: 'results.jsonl', rpm: 500, budgetUsd: 5,
 * });
 */
export function runSwarm(tasks: Iterable<SwarmTask> | AsyncIterable<SwarmTask>, options: RunSwarmOptions): SwarmRun {
  validate(options);
  if (
    tasks === null ||
    tasks === undefined ||
    (typeof (tasks as Iterable<SwarmTask>)[Symbol.iterator] !== 'function' &&
      typeof (tasks as AsyncIterable<SwarmTask>)[Symbol.asyncIterator] !== 'function')
  ) {
    throw new TypeError(`Expected \`tasks\` to be an iterable or async iterable, got \`${String(tasks)}\` (${typeof tasks})`);
  }
  const now = options.now ?? Date.now;
  const total = options.total ?? (Array.isArray(tasks) ? tasks.length : undefined);
  const prices = options.prices ?? options.provider.prices;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? Math.min(timeoutMs, 120_000);
  const cooldownMs = options.cooldownMs ?? 1000;
  const retry: RetryPolicy = { maxAttempts: 5, ...options.provider.retry, ...options.retry };
  const retryAfterCapMs = retry.retryAfterCapMs ?? 60_000;
  const workers = options.workers ?? Math.max(1, Math.min(total ?? DEFAULT_WORKERS, DEFAULT_WORKERS));
  const defaultModel = options.model ?? options.provider.model;
  const limiter: RateLimiter = createRateLimiter({ rpm: options.rpm, tpm: options.tpm, burstSeconds: options.burstSeconds, now });
  const ownFetch = options.fetch === undefined ? createHttpFetch() : undefined;
  const baseFetch = options.fetch ?? (ownFetch as NonNullable<typeof ownFetch>).fetch;
  const { signal, forceSignal, budgetUsd } = options;

  const startedAt = now();
  let resume: ResumeState | undefined;
  let seen = 0;
  let skipped = 0;
  let done = 0;
  let failed = 0;
  let inFlight = 0;
  let aborted = 0;
  let spentUsd = 0;
  let inFlightCostUsd = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let completionSamples = 0;
  let stopping: SwarmStopReason | undefined;
  let inputError: unknown;
  const failures: Partial<Record<FailureReason, number>> = {};
  // Per-task context for the retry wait, keyed by the task's own AbortSignal (the one core's retry loop passes to `sleep`).
  const tokensBySignal = new WeakMap<AbortSignal, number>();
  const running = new Set<AbortController>();
  const queued = new Set<AbortController>();

  const progress = (): SwarmProgress => {
    const elapsedMs = Math.max(0, now() - startedAt);
    const finished = done + failed;
    const ratePerSecond = elapsedMs > 0 ? (finished * 1000) / elapsedMs : 0;
    const pending = total === undefined || resume === undefined ? undefined : Math.max(0, total - resume.skip.size);
    const left = pending === undefined ? undefined : Math.max(0, pending - finished);
    return {
      total,
      pending,
      skipped,
      done,
      failed,
      inFlight,
      spentUsd,
      priorSpentUsd: resume?.spentUsd ?? 0,
      elapsedMs,
      ratePerSecond,
      etaMs: left === undefined || ratePerSecond === 0 ? undefined : (left / ratePerSecond) * 1000,
      rateLimit: limiter.stats(),
      stopping,
    };
  };

  // Every HTTP attempt, retries included, reports its rate-limit headers and 429s here.
  const pacedFetch: typeof globalThis.fetch = async (input, init) => {
    const since = limiter.depart();
    const response = await baseFetch(input, init);
    const info = parseRateLimitHeaders(response.headers);
    if (info !== undefined) limiter.observe(info, since);
    if (response.status === 429) {
      const ms = Math.min(parseRetryAfter(response.headers, Date.now()) ?? cooldownMs, retryAfterCapMs);
      limiter.coolDown(ms);
      options.onNotice?.({ type: 'cooldown', ms, status: 429 });
    }
    return response;
  };

  const client: LlmClient = createLlmClient({
    provider: options.provider,
    fetch: pacedFetch,
    timeoutMs: attemptTimeoutMs,
    deadlineMs: timeoutMs,
    retry,
    ...(prices === undefined ? {} : { prices }),
    // A retry waits out its backoff, then queues for the buckets like a new request, so retries
    // never break the rate limit; the queueing happens outside the attempt's own timeout.
    sleep: async (ms, taskSignal) => {
      await sleep(ms, taskSignal);
      await limiter.acquire(taskSignal === undefined ? 0 : (tokensBySignal.get(taskSignal) ?? 0), taskSignal);
    },
  });

  const averageCompletion = (): number =>
    completionSamples === 0 ? INITIAL_COMPLETION_GUESS : Math.ceil(completionTokens / completionSamples);

  const estimate = (task: SwarmTask, model: string): { tokens: number; costUsd: number | undefined } => {
    const prompt = estimatePromptTokens(taskMessages(task));
    const completion = task.max_tokens ?? averageCompletion();
    const costUsd = costOf({ promptTokens: prompt, completionTokens: completion }, priceFor(model, prices));
    return { tokens: prompt + completion, costUsd };
  };

  let appender: JsonlAppender<SwarmResult> | undefined;
  let unwritten: SwarmResult[] = [];
  let writeError: unknown;
  // Results that finish in the same turn of the event loop go out in one write (whole lines, so a
  // kill still never tears one): at hundreds of results a second, a write each costs more than the rest.
  const flush = (): void => {
    if (unwritten.length === 0) return;
    const batch = unwritten;
    unwritten = [];
    try {
      appender?.append(batch);
    } catch (error) {
      writeError ??= error;
    }
  };
  const record = (result: SwarmResult): void => {
    if (appender !== undefined) {
      if (unwritten.length === 0) setImmediate(flush);
      unwritten.push(result);
    }
    options.onResult?.(result);
  };

  async function* schedule(): AsyncGenerator<Scheduled, void, undefined> {
    const ids = new Set<string>();
    for await (const raw of tasks as AsyncIterable<unknown>) {
      if (writeError !== undefined) return;
      if (forceSignal?.aborted) {
        stopping ??= 'aborted';
        return;
      }
      if (signal?.aborted) {
        stopping ??= 'interrupted';
        return;
      }
      seen++;
      const parsed = SwarmTaskSchema.safeParse(raw);
      if (!parsed.success) {
        inputError = new WhiteboxError('INPUT_INVALID', `task ${seen}: ${formatZodIssues(parsed.error.issues, raw)}`);
        return;
      }
      const task = parsed.data;
      const id = String(task.id);
      if (ids.has(id)) {
        inputError = new WhiteboxError('INPUT_INVALID', `task ${seen}: duplicate id ${JSON.stringify(id)}`);
        return;
      }
      ids.add(id);
      if (resume?.skip.has(id)) {
        skipped++;
        continue;
      }
      const model = task.model ?? defaultModel;
      if (model === undefined) {
        inputError = new WhiteboxError('INPUT_INVALID', `task ${JSON.stringify(id)} has no model and no default model is set`);
        return;
      }
      const guess = estimate(task, model);
      if (budgetUsd !== undefined) {
        if (guess.costUsd === undefined) {
          inputError = new WhiteboxError('INPUT_INVALID', `task ${JSON.stringify(id)}: model "${model}" has no price, so the budget cannot be kept; add it to llm.prices`);
          return;
        }
        const already = (resume?.spentUsd ?? 0) + spentUsd;
        const projectedUsd = already + inFlightCostUsd + guess.costUsd;
        if (projectedUsd > budgetUsd) {
          stopping = 'budget';
          options.onNotice?.({ type: 'budget', budgetUsd, spentUsd: already, projectedUsd });
          return;
        }
      }
      yield { task, model, tokens: guess.tokens, costUsd: guess.costUsd ?? 0 };
    }
  }

  const work = async ({ task, model, tokens, costUsd }: Scheduled): Promise<void> => {
    inFlight++;
    inFlightCostUsd += costUsd;
    const id = String(task.id);
    const controller = new AbortController();
    running.add(controller);
    tokensBySignal.set(controller.signal, tokens);
    let callStartedAt: number | undefined;
    try {
      // Waiting for the buckets is not being in flight yet: the first Ctrl-C cancels that wait (see onSoft).
      queued.add(controller);
      try {
        await limiter.acquire(tokens, controller.signal);
      } finally {
        queued.delete(controller);
      }
      callStartedAt = now();
      const json = wantsJson(task);
      const answer = await client.chat({
        messages: taskMessages(task),
        model,
        temperature: task.temperature,
        maxTokens: task.max_tokens,
        responseFormat: task.response_format as Parameters<LlmClient['chat']>[0]['responseFormat'],
        signal: controller.signal,
        label: `task ${id}`,
      });
      limiter.settle(tokens, answer.usage.totalTokens);
      promptTokens += answer.usage.promptTokens;
      completionTokens += answer.usage.completionTokens;
      completionSamples++;
      const cost = answer.costUsd ?? null;
      spentUsd += cost ?? 0;
      const usage = {
        prompt_tokens: answer.usage.promptTokens,
        completion_tokens: answer.usage.completionTokens,
        total_tokens: answer.usage.totalTokens,
      };
      const tail = { usage, cost, latency_ms: Math.round(answer.durationMs), attempts: answer.attempts, model: answer.model };
      let output: unknown = answer.content;
      let parseError: string | undefined;
      if (json) {
        try {
          output = JSON.parse(answer.content);
        } catch (error) {
          parseError = error instanceof Error ? error.message : String(error);
        }
      }
      if (parseError === undefined) {
        done++;
        record({ id, status: 'done', output, ...tail });
      } else {
        failed++;
        failures.invalid_output = (failures.invalid_output ?? 0) + 1;
        record({
          id,
          status: 'failed',
          output: answer.content,
          ...tail,
          error: { reason: 'invalid_output', message: `the task asked for JSON, but the answer does not parse: ${parseError}` },
        });
      }
    } catch (error) {
      if (controller.signal.aborted) {
        // Cancelled before or while running: no result, so it runs again on resume.
        if (callStartedAt !== undefined) aborted++;
        return;
      }
      const failure = describeFailure(error);
      failed++;
      failures[failure.reason] = (failures[failure.reason] ?? 0) + 1;
      record({
        id,
        status: 'failed',
        output: null,
        usage: null,
        cost: null,
        latency_ms: callStartedAt === undefined ? 0 : Math.round(now() - callStartedAt),
        attempts: typeof (error as { attempts?: unknown }).attempts === 'number' ? (error as { attempts: number }).attempts : 1,
        model,
        error: failure,
      });
    } finally {
      inFlight--;
      inFlightCostUsd -= costUsd;
      running.delete(controller);
      options.onProgress?.(progress());
    }
  };

  const onStop = (reason: 'interrupted' | 'aborted') => (): void => {
    stopping = reason;
    options.onNotice?.({ type: 'stopping', reason, inFlight });
  };
  const notifySoft = onStop('interrupted');
  const onSoft = (): void => {
    notifySoft();
    for (const controller of queued) controller.abort(signal?.reason);
  };
  const notifyForce = onStop('aborted');
  // One listener for all tasks, rather than one each: a signal warns past ten listeners.
  const onForce = (): void => {
    notifyForce();
    for (const controller of running) controller.abort(forceSignal?.reason);
  };

  const run = (async (): Promise<SwarmSummary> => {
    signal?.addEventListener('abort', onSoft, { once: true });
    forceSignal?.addEventListener('abort', onForce, { once: true });
    try {
      if (options.out !== undefined) {
        resume = await prepareResultsFile(options.out, { retryFailed: options.retryFailed === true });
        options.onNotice?.({ type: 'resume', state: resume });
        appender = createJsonlAppender<SwarmResult>(options.out);
      } else {
        resume = { skip: new Set(), done: 0, failed: 0, spentUsd: 0, repairedTail: 'none', malformed: 0, removedFailed: 0 };
      }
      await runParallel(work, schedule(), { maxWorkers: workers });
    } finally {
      flush();
      appender?.close();
      ownFetch?.close();
      signal?.removeEventListener('abort', onSoft);
      forceSignal?.removeEventListener('abort', onForce);
    }
    if (writeError !== undefined) throw writeError;
    if (inputError !== undefined) throw inputError;
    const snapshot = progress();
    const state = resume;
    return {
      ...snapshot,
      stopReason: stopping ?? 'completed',
      seen,
      aborted,
      skippedFailed: state === undefined || options.retryFailed ? 0 : state.failed,
      failures,
      tokens: { prompt: promptTokens, completion: completionTokens },
      resume: options.out === undefined ? undefined : state,
    };
  })();
  return Object.assign(run, { progress });
}
