import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { abortableSleep, costOf, createJsonlAppender, formatZodIssues, priceFor, WhiteboxError } from '@whitebox/core';
import type { JsonlAppender, PriceTable, ProviderConfig, RetryPolicy } from '@whitebox/core';
import { prepareResultsFile } from '../results-file.js';
import type { ResumeState } from '../results-file.js';
import { reasonForStatus } from '../swarm-result.js';
import type { FailureReason, SwarmResult } from '../swarm-result.js';
import { SwarmTaskSchema, taskMessages, wantsJson } from '../swarm-task.js';
import type { SwarmTask } from '../swarm-task.js';
import { createBatchApi, TERMINAL_BATCH_STATUSES } from './batch-api.js';
import type { BatchApi, BatchObject } from './batch-api.js';
import { batchStatePath, readBatchState, removeBatchState, writeBatchState } from './batch-state.js';
import type { BatchEntry, BatchState } from './batch-state.js';

/** The Batch API's limits per input file. */
export const BATCH_MAX_LINES = 50_000;
/** 200 MB. */
export const BATCH_MAX_BYTES = 200 * 1024 * 1024;

/** One batch's state, for progress output. */
export interface BatchProgressEntry {
  readonly id: string;
  readonly status: string;
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
}

/** A snapshot after every poll. */
export interface BatchProgress {
  readonly batches: readonly BatchProgressEntry[];
  /** Requests finished (completed + failed) over all batches. */
  readonly finished: number;
  /** Requests in all batches. */
  readonly total: number;
  readonly elapsedMs: number;
}

/** Something worth telling the user during a Batch API run. */
export type BatchNotice =
  | { readonly type: 'resume'; readonly state: ResumeState; readonly outstanding: number }
  | { readonly type: 'submitted'; readonly batchId: string; readonly lines: number; readonly file: string }
  | { readonly type: 'adopted'; readonly batchId: string; readonly inputFileId: string }
  | { readonly type: 'collected'; readonly batchId: string; readonly status: string; readonly done: number; readonly failed: number }
  | { readonly type: 'batch-failed'; readonly batchId: string; readonly errors: readonly string[] };

/** Options for {@link runSwarmBatch}. */
export interface RunSwarmBatchOptions {
  /** The provider whose `/v1/files` and `/v1/batches` to use. */
  readonly provider: ProviderConfig;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** The model of tasks without one. @default provider.model */
  readonly model?: string | undefined;
  /** The results JSONL (same schema as live runs); the state file and split input files live next to it. */
  readonly out: string;
  /** Submit the failed tasks again (their old lines are removed). @default false */
  readonly retryFailed?: boolean | undefined;
  /** Request lines per input file. @default 50000 */
  readonly maxLines?: number | undefined;
  /** Bytes per input file. @default 200 MB */
  readonly maxBytes?: number | undefined;
  /** Time between status polls, in ms. @default 30000 */
  readonly pollIntervalMs?: number | undefined;
  /** The batch's `completion_window`. @default "24h" */
  readonly completionWindow?: string | undefined;
  /** Batch price as a fraction of the list price. @default 0.5 */
  readonly discount?: number | undefined;
  /** @default provider.prices */
  readonly prices?: PriceTable | undefined;
  /** Retries of each HTTP request. */
  readonly retry?: RetryPolicy | undefined;
  /** Stops polling (the batches keep running at the provider; a re-run picks them up). */
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: BatchProgress) => void) | undefined;
  readonly onNotice?: ((notice: BatchNotice) => void) | undefined;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** What {@link runSwarmBatch} resolves to. */
export interface SwarmBatchSummary {
  /** `completed` once every batch was collected; `interrupted` when the signal stopped the polling. */
  readonly stopReason: 'completed' | 'interrupted';
  /** Batches created in this run. */
  readonly submitted: readonly string[];
  /** Batches picked up from the state file. */
  readonly resumed: readonly string[];
  /** Batches that failed validation; their tasks have no results. */
  readonly failedBatches: readonly { readonly id: string; readonly errors: readonly string[] }[];
  /** Tasks read from the input. */
  readonly seen: number;
  /** Already finished and skipped. */
  readonly skipped: number;
  /** Results written in this run. */
  readonly done: number;
  readonly failed: number;
  readonly failures: Readonly<Partial<Record<FailureReason, number>>>;
  /** Dollars of this run's results, at the batch discount. */
  readonly spentUsd: number;
  readonly elapsedMs: number;
  /** The state file, which remains while batches are outstanding. */
  readonly stateFile: string;
  readonly resume: ResumeState;
}

interface LineInfo {
  readonly json: boolean;
  readonly model: string | undefined;
}

function positiveInteger(name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw new TypeError(`Expected \`${name}\` to be a positive integer, got \`${String(value)}\` (${typeof value})`);
  }
}

async function* readLocalLines(file: string): AsyncGenerator<string, void, undefined> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield line;
}

/**
 * Runs the same tasks through the provider's Batch API at about half the price: splits them into
 * input files of at most `maxLines` lines and `maxBytes` bytes, uploads each to `/v1/files`,
 * creates a `/v1/batches` batch per file, polls until every batch ends, and writes the output and
 * error files to `out` in the live results schema, matched by `custom_id` (the task id).
 *
 * Submitted batches are remembered in `<out>.batches.json` as they are created, so after a kill or
 * Ctrl-C the same call polls them instead of submitting again; the state file is removed once
 * everything is collected. A batch that failed validation leaves its tasks without results, so a
 * re-run submits them again.
 *
 * @throws TypeError for bad options; `WhiteboxError` `INPUT_INVALID` for an invalid task or one
 *   line over `maxBytes`, `PROVIDER` when the API keeps failing.
 */
export async function runSwarmBatch(tasks: Iterable<SwarmTask> | AsyncIterable<SwarmTask>, options: RunSwarmBatchOptions): Promise<SwarmBatchSummary> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got \`${String(options)}\` (${typeof options})`);
  }
  if (typeof options.out !== 'string' || options.out === '') {
    throw new TypeError(`Expected \`out\` to be a file path, got \`${String(options.out)}\` (${typeof options.out})`);
  }
  positiveInteger('maxLines', options.maxLines);
  positiveInteger('maxBytes', options.maxBytes);
  positiveInteger('pollIntervalMs', options.pollIntervalMs);
  if (options.discount !== undefined && !(typeof options.discount === 'number' && options.discount >= 0 && options.discount <= 1)) {
    throw new TypeError(`Expected \`discount\` to be a number from 0 to 1, got \`${String(options.discount)}\` (${typeof options.discount})`);
  }
  const now = options.now ?? Date.now;
  const startedAt = now();
  const maxLines = Math.min(options.maxLines ?? BATCH_MAX_LINES, BATCH_MAX_LINES);
  const maxBytes = Math.min(options.maxBytes ?? BATCH_MAX_BYTES, BATCH_MAX_BYTES);
  const pollIntervalMs = options.pollIntervalMs ?? 30_000;
  const completionWindow = options.completionWindow ?? '24h';
  const discount = options.discount ?? 0.5;
  const prices = options.prices ?? options.provider.prices;
  const defaultModel = options.model ?? options.provider.model;
  const { out, signal } = options;
  const api: BatchApi = createBatchApi({ provider: options.provider, fetch: options.fetch, retry: options.retry });
  const stateFile = batchStatePath(out);

  const resume = await prepareResultsFile(out, { retryFailed: options.retryFailed === true });
  const state: BatchState = await readBatchState(stateFile);
  const outstanding = state.batches.filter((entry) => entry.collected !== true);
  options.onNotice?.({ type: 'resume', state: resume, outstanding: outstanding.length });
  const save = (): Promise<void> => writeBatchState(stateFile, state);

  const have = new Set(resume.skip);
  const submitted: string[] = [];
  const resumed: string[] = outstanding.flatMap((entry) => (entry.batch_id ? [entry.batch_id] : []));
  const failedBatches: { id: string; errors: string[] }[] = [];
  const failures: Partial<Record<FailureReason, number>> = {};
  let seen = 0;
  let skipped = 0;
  let done = 0;
  let failed = 0;
  let spentUsd = 0;
  let appender: JsonlAppender<SwarmResult> | undefined;
  const interrupted = (): boolean => signal?.aborted === true;

  const write = (result: SwarmResult): void => {
    if (have.has(result.id)) return;
    have.add(result.id);
    appender ??= createJsonlAppender<SwarmResult>(out);
    appender.append(result);
    if (result.status === 'done') done++;
    else {
      failed++;
      const reason = result.error?.reason ?? 'error';
      failures[reason] = (failures[reason] ?? 0) + 1;
    }
    spentUsd += result.cost ?? 0;
  };

  // The request lines of an entry: from the split file on disk, else from the uploaded copy.
  const entryLines = (entry: BatchEntry): AsyncGenerator<string, void, undefined> =>
    entry.input_file_id ? linesPreferLocal(entry.file, entry.input_file_id) : readLocalLines(entry.file);
  async function* linesPreferLocal(file: string, fileId: string): AsyncGenerator<string, void, undefined> {
    try {
      yield* readLocalLines(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      yield* api.fileLines(fileId, signal);
    }
  }

  const submit = async (entry: BatchEntry): Promise<void> => {
    if (!entry.input_file_id) {
      entry.input_file_id = (await api.uploadFile(entry.file, signal)).id;
      await save();
    }
    if (!entry.batch_id) {
      const existing = await findBatchFor(entry.input_file_id);
      const batch =
        existing ??
        (await api.createBatch({ inputFileId: entry.input_file_id, completionWindow, metadata: { swarm_results: path.basename(out).slice(-500) } }, signal));
      entry.batch_id = batch.id;
      entry.status = batch.status;
      await save();
      if (existing) options.onNotice?.({ type: 'adopted', batchId: batch.id, inputFileId: entry.input_file_id });
      else {
        submitted.push(batch.id);
        options.onNotice?.({ type: 'submitted', batchId: batch.id, lines: entry.lines, file: entry.file });
      }
    }
  };

  // A kill between creating a batch and saving its id leaves an uploaded file without a batch id;
  // the provider's list tells whether the batch was created before the kill.
  const findBatchFor = async (inputFileId: string): Promise<BatchObject | undefined> => {
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const list = await api.listBatches({ limit: 100, after }, signal);
      const match = list.data.find((batch) => batch.input_file_id === inputFileId);
      if (match) return match;
      if (!list.has_more || !list.last_id) return undefined;
      after = list.last_id;
    }
    return undefined;
  };

  const toResult = (raw: string, info: ReadonlyMap<string, LineInfo>): SwarmResult | undefined => {
    let line: {
      custom_id?: unknown;
      response?: { status_code?: number; body?: { model?: string; usage?: Record<string, number>; choices?: { message?: { content?: string | null } }[]; error?: { message?: string } } } | null;
      error?: { code?: string; message?: string } | null;
    };
    try {
      line = JSON.parse(raw) as typeof line;
    } catch {
      return undefined;
    }
    if (typeof line.custom_id !== 'string') return undefined;
    const id = line.custom_id;
    const meta = info.get(id);
    const response = line.response ?? undefined;
    const body = response?.body;
    const model = body?.model ?? meta?.model ?? defaultModel ?? 'unknown';
    const status = response?.status_code;
    if (status !== undefined && status >= 200 && status < 300 && body?.choices) {
      const content = body.choices[0]?.message?.content ?? '';
      const usage =
        body.usage && typeof body.usage['prompt_tokens'] === 'number' && typeof body.usage['completion_tokens'] === 'number'
          ? {
              prompt_tokens: body.usage['prompt_tokens'],
              completion_tokens: body.usage['completion_tokens'],
              total_tokens: body.usage['total_tokens'] ?? body.usage['prompt_tokens'] + body.usage['completion_tokens'],
            }
          : null;
      const listCost = usage === null ? undefined : costOf({ promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }, priceFor(model, prices));
      const tail = { usage, cost: listCost === undefined ? null : listCost * discount, latency_ms: null, attempts: 1, model };
      if (meta?.json) {
        try {
          return { id, status: 'done', output: JSON.parse(content) as unknown, ...tail };
        } catch (error) {
          return {
            id,
            status: 'failed',
            output: content,
            ...tail,
            error: { reason: 'invalid_output', message: `the task asked for JSON, but the answer does not parse: ${(error as Error).message}` },
          };
        }
      }
      return { id, status: 'done', output: content, ...tail };
    }
    const reason: FailureReason =
      line.error?.code === 'batch_expired' ? 'batch_expired' : status !== undefined ? reasonForStatus(status) : 'error';
    const message = line.error?.message ?? body?.error?.message ?? (status === undefined ? 'no response' : `status ${status}`);
    return {
      id,
      status: 'failed',
      output: null,
      usage: null,
      cost: null,
      latency_ms: null,
      attempts: 1,
      model,
      error: status === undefined ? { reason, message } : { reason, message, status },
    };
  };

  const collect = async (entry: BatchEntry, batch: BatchObject): Promise<void> => {
    if (batch.status === 'failed') {
      const errors = (batch.errors?.data ?? []).map((error) => `${error.line === null || error.line === undefined ? '' : `line ${error.line}: `}${error.code ?? 'error'}: ${error.message ?? ''}`);
      failedBatches.push({ id: batch.id, errors });
      options.onNotice?.({ type: 'batch-failed', batchId: batch.id, errors });
    } else {
      const info = new Map<string, LineInfo>();
      for await (const raw of entryLines(entry)) {
        const line = JSON.parse(raw) as { custom_id: string; body?: { model?: string; response_format?: { type?: string } } };
        info.set(line.custom_id, { json: wantsJson({ response_format: line.body?.response_format as SwarmTask['response_format'] }), model: line.body?.model });
      }
      const before = { done, failed };
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        for await (const raw of api.fileLines(fileId, signal)) {
          const result = toResult(raw, info);
          if (result !== undefined) write(result);
        }
      }
      options.onNotice?.({ type: 'collected', batchId: batch.id, status: batch.status, done: done - before.done, failed: failed - before.failed });
    }
    entry.status = batch.status;
    entry.collected = true;
    await save();
    await rm(entry.file, { force: true });
  };

  try {
    // Requests already submitted in an earlier run, so that they are not submitted twice.
    const covered = new Set<string>();
    for (const entry of outstanding) {
      for await (const raw of entryLines(entry)) covered.add((JSON.parse(raw) as { custom_id: string }).custom_id);
    }
    for (const entry of outstanding) {
      if (interrupted()) break;
      await submit(entry);
    }

    // Split what is left into input files and submit each as soon as it is full.
    let part = state.batches.length;
    let current: { entry: BatchEntry; stream: ReturnType<typeof createWriteStream>; bytes: number } | undefined;
    const close = async (): Promise<void> => {
      if (current === undefined) return;
      const { entry, stream } = current;
      current = undefined;
      stream.end();
      await finished(stream);
      await submit(entry);
    };
    const ids = new Set<string>();
    for await (const raw of tasks as AsyncIterable<unknown>) {
      if (interrupted()) break;
      seen++;
      const parsed = SwarmTaskSchema.safeParse(raw);
      if (!parsed.success) throw new WhiteboxError('INPUT_INVALID', `task ${seen}: ${formatZodIssues(parsed.error.issues, raw)}`);
      const task = parsed.data;
      const id = String(task.id);
      if (ids.has(id)) throw new WhiteboxError('INPUT_INVALID', `task ${seen}: duplicate id ${JSON.stringify(id)}`);
      ids.add(id);
      if (have.has(id) || covered.has(id)) {
        skipped++;
        continue;
      }
      const model = task.model ?? defaultModel;
      if (model === undefined) throw new WhiteboxError('INPUT_INVALID', `task ${JSON.stringify(id)} has no model and no default model is set`);
      const body = {
        model,
        messages: taskMessages(task),
        ...(task.response_format === undefined ? {} : { response_format: task.response_format }),
        ...(task.max_tokens === undefined ? {} : { max_tokens: task.max_tokens }),
        ...(task.temperature === undefined ? {} : { temperature: task.temperature }),
      };
      const line = `${JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body })}\n`;
      const bytes = Buffer.byteLength(line);
      if (bytes > maxBytes) throw new WhiteboxError('INPUT_INVALID', `task ${JSON.stringify(id)} is ${bytes} bytes as a batch line, over the ${maxBytes}-byte file limit`);
      if (current !== undefined && (current.entry.lines >= maxLines || current.bytes + bytes > maxBytes)) await close();
      if (current === undefined) {
        const entry: BatchEntry = { file: `${out}.batch-${++part}.jsonl`, lines: 0, input_file_id: null, batch_id: null, status: null, collected: false };
        state.batches.push(entry);
        current = { entry, stream: createWriteStream(entry.file, { flags: 'w' }), bytes: 0 };
      }
      current.entry.lines++;
      current.bytes += bytes;
      if (!current.stream.write(line)) await new Promise<void>((resolve) => current?.stream.once('drain', () => resolve()));
    }
    if (!interrupted()) await close();
    else if (current !== undefined) {
      // An unfinished split is dropped; its tasks have no results and are split again next time.
      const { entry, stream } = current;
      stream.destroy();
      state.batches.splice(state.batches.indexOf(entry), 1);
      await rm(entry.file, { force: true });
    }
    if (state.batches.some((entry) => entry.collected !== true)) await save();

    // Poll until every batch has ended, collecting each as it does.
    for (;;) {
      if (interrupted()) break;
      const waiting = state.batches.filter((entry) => entry.collected !== true && entry.batch_id);
      if (waiting.length === 0) break;
      const views: BatchProgressEntry[] = [];
      for (const entry of waiting) {
        const batch = await api.retrieveBatch(entry.batch_id as string, signal);
        entry.status = batch.status;
        views.push({
          id: batch.id,
          status: batch.status,
          total: batch.request_counts?.total ?? entry.lines,
          completed: batch.request_counts?.completed ?? 0,
          failed: batch.request_counts?.failed ?? 0,
        });
        if (TERMINAL_BATCH_STATUSES.has(batch.status)) await collect(entry, batch);
      }
      options.onProgress?.({
        batches: views,
        finished: views.reduce((sum, view) => sum + view.completed + view.failed, 0),
        total: views.reduce((sum, view) => sum + view.total, 0),
        elapsedMs: now() - startedAt,
      });
      if (state.batches.every((entry) => entry.collected === true || !entry.batch_id)) break;
      try {
        await abortableSleep(pollIntervalMs, signal);
      } catch {
        break;
      }
    }
  } catch (error) {
    if (!interrupted()) throw error;
  } finally {
    appender?.close();
  }

  const pending = state.batches.some((entry) => entry.collected !== true);
  if (pending) await save();
  else await removeBatchState(stateFile);
  return {
    stopReason: interrupted() || pending ? 'interrupted' : 'completed',
    submitted,
    resumed,
    failedBatches,
    seen,
    skipped,
    done,
    failed,
    failures,
    spentUsd,
    elapsedMs: now() - startedAt,
    stateFile,
    resume,
  };
}
