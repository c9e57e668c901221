import { z } from 'zod';
import { chatCompletionBody } from './chat-completion-body.js';
import { parseChatRequest } from './chat-engine.js';
import type { ChatEngine } from './chat-engine.js';
import { createPrng, hashSeed } from './create-prng.js';
import type { FileStore } from './file-store.js';
import { HttpError } from './http-io.js';
import type { IdFactory } from './id-factory.js';
import { openAiError } from './openai-error.js';

/**
 * How long each batch phase lasts, in simulated milliseconds. The simulated clock runs
 * `timeScale` times faster than the real one, so `timeScale: 86_400_000` passes a day per millisecond.
 */
export interface BatchTiming {
  /** `validating` lasts this long. @default 5000 */
  readonly validatingMs?: number;
  /** Each request line takes this long in `in_progress`, one after another. @default 1000 */
  readonly requestMs?: number;
  /** `finalizing` lasts this long. @default 5000 */
  readonly finalizingMs?: number;
  /** `cancelling` lasts this long before `cancelled`. @default 5000 */
  readonly cancellingMs?: number;
  /** Input files with more request lines fail validation. @default 50000 */
  readonly maxRequests?: number;
  /** Input files larger than this fail validation. @default 209715200 (200 MB) */
  readonly maxBytes?: number;
}

/** The statuses of a batch, as the API names them. */
export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

interface BatchLineError {
  readonly code: string;
  readonly message: string;
  readonly param: string | null;
  readonly line: number | null;
}

interface LineResult {
  readonly customId: string;
  readonly ok: boolean;
  readonly statusCode: number;
  readonly body: unknown;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

interface BatchRecord {
  readonly id: string;
  readonly endpoint: string;
  readonly inputFileId: string;
  readonly completionWindow: string;
  readonly windowMs: number;
  readonly metadata: Record<string, string> | null;
  readonly createdAt: number;
  readonly errors: readonly BatchLineError[] | null;
  readonly results: readonly LineResult[];
  readonly model: string | null;
  cancelAt: number | null;
  files: { output: string | null; error: string | null } | null;
}

interface BatchView {
  status: BatchStatus;
  done: number;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
  terminalAt: number | null;
}

const createBatchSchema = z.looseObject({
  input_file_id: z.string().min(1),
  endpoint: z.string(),
  completion_window: z.string(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

const lineSchema = z.looseObject({
  custom_id: z.string().min(1),
  method: z.string(),
  url: z.string(),
  body: z.record(z.string(), z.unknown()),
});

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ACTIVE: readonly BatchStatus[] = ['validating', 'in_progress', 'finalizing'];
const MAX_REPORTED_ERRORS = 100;

/** What a {@link BatchStore} works with. */
export interface BatchStoreDeps {
  readonly engine: ChatEngine;
  readonly files: FileStore;
  readonly ids: IdFactory;
  /** Simulated time in ms. */
  readonly simNow: () => number;
  readonly timing: BatchTiming;
}

/**
 * `/v1/batches`: batches whose status follows simulated time. Every read computes the status from
 * the batch's timestamps, so advancing an injected clock (or a large `timeScale`) walks a batch
 * through validating → in_progress → finalizing → completed without any timers. Request lines go
 * through the chat engine, in input order, when the batch is created.
 */
export class BatchStore {
  readonly #deps: BatchStoreDeps;
  readonly #batches = new Map<string, BatchRecord>();
  readonly #timing: Required<BatchTiming>;

  /** @param deps - The engine, file store, ids, clock and timing. */
  constructor(deps: BatchStoreDeps) {
    this.#deps = deps;
    this.#timing = {
      validatingMs: 5000,
      requestMs: 1000,
      finalizingMs: 5000,
      cancellingMs: 5000,
      maxRequests: 50_000,
      maxBytes: 200 * 1024 * 1024,
      ...deps.timing,
    };
  }

  /**
   * Creates a batch from a `POST /v1/batches` body.
   *
   * @throws HttpError 400 for a bad body, endpoint or window; 404 for an unknown input file.
   */
  create(body: unknown): Record<string, unknown> {
    const parsed = createBatchSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue?.path.map(String).join('.') ?? null;
      throw new HttpError(400, { message: `Invalid value for '${param}': ${issue?.message ?? 'invalid'}.`, param });
    }
    const { input_file_id: inputFileId, endpoint, completion_window: completionWindow } = parsed.data;
    if (endpoint !== '/v1/chat/completions') {
      throw new HttpError(400, {
        message: `llm-sim simulates batches for '/v1/chat/completions' only, got endpoint ${JSON.stringify(endpoint)}.`,
        param: 'endpoint',
      });
    }
    const window = /^(\d+)([smhd])$/.exec(completionWindow);
    if (!window) {
      throw new HttpError(400, {
        message: `Invalid value for 'completion_window': expected a duration such as '24h', got ${JSON.stringify(completionWindow)}.`,
        param: 'completion_window',
      });
    }
    const file = this.#deps.files.get(inputFileId);
    if (file.purpose !== 'batch') {
      throw new HttpError(400, {
        message: `The input file ${inputFileId} has purpose '${file.purpose}'; batches need purpose 'batch'.`,
        param: 'input_file_id',
      });
    }
    const { errors, lines } = this.#validate(this.#deps.files.content(inputFileId), endpoint);
    const record: BatchRecord = {
      id: this.#deps.ids.next('batch_', 32, true),
      endpoint,
      inputFileId,
      completionWindow,
      windowMs: Number(window[1]) * (UNITS[window[2] as string] ?? 0),
      metadata: parsed.data.metadata ?? null,
      createdAt: this.#deps.simNow(),
      errors: errors.length > 0 ? errors : null,
      results: errors.length > 0 ? [] : lines.map((line) => this.#run(line)),
      model: typeof lines[0]?.body['model'] === 'string' ? lines[0].body['model'] : null,
      cancelAt: null,
      files: null,
    };
    this.#batches.set(record.id, record);
    return this.#render(record);
  }

  /** @throws HttpError 404 when there is no such batch. */
  retrieve(id: string): Record<string, unknown> {
    return this.#render(this.#require(id));
  }

  /**
   * Starts cancelling a batch that is still validating, in progress or finalizing.
   *
   * @throws HttpError 404 for an unknown batch, 400 when it has already ended.
   */
  cancel(id: string): Record<string, unknown> {
    const record = this.#require(id);
    const now = this.#deps.simNow();
    const view = this.#view(record, now);
    if (!ACTIVE.includes(view.status)) {
      throw new HttpError(400, { message: `Cannot cancel a batch with status '${view.status}'.`, param: null });
    }
    record.cancelAt = now;
    return this.#render(record);
  }

  /** Batches newest first, paged like the API (`limit` 1..100, `after` a batch id). */
  list(limit: number, after: string | undefined): Record<string, unknown> {
    const all = [...this.#batches.values()].reverse();
    const start = after === undefined ? 0 : all.findIndex((b) => b.id === after) + 1;
    const page = all.slice(start, start + limit).map((record) => this.#render(record));
    return {
      object: 'list',
      data: page,
      first_id: page[0]?.['id'] ?? null,
      last_id: page.at(-1)?.['id'] ?? null,
      has_more: start + limit < all.length,
    };
  }

  /** Forgets every batch. */
  clear(): void {
    this.#batches.clear();
  }

  #require(id: string): BatchRecord {
    const record = this.#batches.get(id);
    if (!record) throw new HttpError(404, { message: `No batch found with id '${id}'.`, param: 'batch_id' });
    return record;
  }

  #validate(data: Buffer, endpoint: string): { errors: BatchLineError[]; lines: z.infer<typeof lineSchema>[] } {
    const errors: BatchLineError[] = [];
    const lines: z.infer<typeof lineSchema>[] = [];
    const { maxBytes, maxRequests } = this.#timing;
    if (data.length > maxBytes) {
      errors.push({ code: 'file_too_large', message: `The input file is ${data.length} bytes; the limit is ${maxBytes}.`, param: null, line: null });
      return { errors, lines };
    }
    const seen = new Set<string>();
    const rawLines = data.toString('utf8').split('\n');
    for (const [index, raw] of rawLines.entries()) {
      if (raw.trim() === '' || errors.length >= MAX_REPORTED_ERRORS) continue;
      const lineNumber = index + 1;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        errors.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', param: null, line: lineNumber });
        continue;
      }
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) {
        const param = parsed.error.issues[0]?.path.map(String).join('.') ?? null;
        errors.push({ code: 'invalid_request', message: `Invalid or missing '${param}' on this line.`, param, line: lineNumber });
        continue;
      }
      const line = parsed.data;
      if (seen.has(line.custom_id)) {
        errors.push({
          code: 'duplicate_custom_id',
          message: `The custom_id '${line.custom_id}' appears more than once; each line needs its own.`,
          param: 'custom_id',
          line: lineNumber,
        });
        continue;
      }
      seen.add(line.custom_id);
      if (line.method !== 'POST') {
        errors.push({ code: 'invalid_method', message: `Expected method 'POST', got '${line.method}'.`, param: 'method', line: lineNumber });
      } else if (line.url !== endpoint) {
        errors.push({ code: 'mismatched_url', message: `Expected url '${endpoint}' (the batch endpoint), got '${line.url}'.`, param: 'url', line: lineNumber });
      } else {
        lines.push(line);
      }
    }
    if (errors.length === 0 && lines.length === 0) {
      errors.push({ code: 'empty_file', message: 'The input file has no request lines.', param: null, line: null });
    }
    if (lines.length > maxRequests) {
      errors.push({ code: 'too_many_requests', message: `The input file has ${lines.length} requests; the limit is ${maxRequests}.`, param: null, line: null });
    }
    return { errors, lines };
  }

  #run(line: z.infer<typeof lineSchema>): LineResult {
    const parsed = parseChatRequest({ ...line.body, stream: false });
    if (!parsed.ok) return { customId: line.custom_id, ok: false, statusCode: 400, body: parsed.body, promptTokens: 0, completionTokens: 0 };
    const plan = this.#deps.engine.plan(parsed.request);
    const { outcome, request } = plan;
    if (outcome.kind === 'error') {
      return { customId: line.custom_id, ok: false, statusCode: outcome.status, body: outcome.body, promptTokens: 0, completionTokens: 0 };
    }
    if (outcome.kind !== 'reply' || outcome.cutAfterChunks !== undefined || outcome.errorAfterChunks !== undefined) {
      // Connection-level faults have no meaning inside a batch; the API reports them as server errors.
      return { customId: line.custom_id, ok: false, statusCode: 500, body: openAiError(500), promptTokens: 0, completionTokens: 0 };
    }
    const body = chatCompletionBody({
      id: this.#deps.ids.next('chatcmpl-', 29),
      created: Math.floor(this.#deps.simNow() / 1000),
      model: request.model,
      content: outcome.content,
      finishReason: outcome.finishReason,
      promptTokens: request.promptTokens,
      completionTokens: outcome.completionTokens,
    });
    return {
      customId: line.custom_id,
      ok: true,
      statusCode: 200,
      body,
      promptTokens: request.promptTokens,
      completionTokens: outcome.completionTokens,
    };
  }

  #view(record: BatchRecord, now: number): BatchView {
    const t = this.#timing;
    const n = record.results.length;
    const validatedAt = record.createdAt + t.validatingMs;
    const processedAt = validatedAt + n * t.requestMs;
    const finalizedAt = processedAt + t.finalizingMs;
    const expiresAt = record.createdAt + record.windowMs;
    const doneBy = (at: number): number =>
      at < validatedAt ? 0 : t.requestMs === 0 ? n : Math.min(n, Math.floor((at - validatedAt) / t.requestMs));
    const view: BatchView = {
      status: 'validating',
      done: 0,
      inProgressAt: null,
      finalizingAt: null,
      completedAt: null,
      failedAt: null,
      expiredAt: null,
      cancellingAt: null,
      cancelledAt: null,
      terminalAt: null,
    };
    // The phases the batch reached by `at`, ignoring cancellation and expiry.
    const progress = (at: number): void => {
      view.done = doneBy(at);
      if (record.errors) return;
      if (at >= validatedAt) [view.status, view.inProgressAt] = ['in_progress', validatedAt];
      if (at >= processedAt) [view.status, view.finalizingAt] = ['finalizing', processedAt];
    };

    if (record.cancelAt !== null) {
      progress(record.cancelAt);
      view.cancellingAt = record.cancelAt;
      const cancelledAt = record.cancelAt + t.cancellingMs;
      if (now >= cancelledAt) [view.status, view.cancelledAt, view.terminalAt] = ['cancelled', cancelledAt, cancelledAt];
      else view.status = 'cancelling';
      return view;
    }
    if (record.errors) {
      if (now >= validatedAt) [view.status, view.failedAt, view.terminalAt] = ['failed', validatedAt, validatedAt];
      return view;
    }
    if (finalizedAt > expiresAt && now >= expiresAt) {
      progress(expiresAt);
      [view.status, view.expiredAt, view.terminalAt] = ['expired', expiresAt, expiresAt];
      return view;
    }
    progress(now);
    if (now >= finalizedAt) [view.status, view.completedAt, view.terminalAt] = ['completed', finalizedAt, finalizedAt];
    return view;
  }

  #materialize(record: BatchRecord, view: BatchView): { output: string | null; error: string | null } {
    if (record.files) return record.files;
    const prng = createPrng(hashSeed(this.#deps.engine.seed, 'batch-output', record.id));
    const done = record.results.slice(0, view.done);
    const toLine = (result: LineResult): string =>
      JSON.stringify({
        id: this.#deps.ids.next('batch_req_', 32, true),
        custom_id: result.customId,
        response: { status_code: result.statusCode, request_id: this.#deps.ids.next('req_', 32, true), body: result.body },
        error: null,
      });
    const outputLines = done.filter((r) => r.ok).map(toLine);
    const errorLines = done.filter((r) => !r.ok).map(toLine);
    if (view.status === 'expired') {
      for (const result of record.results.slice(view.done)) {
        errorLines.push(
          JSON.stringify({
            id: this.#deps.ids.next('batch_req_', 32, true),
            custom_id: result.customId,
            response: null,
            error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
          }),
        );
      }
    }
    const createdAt = Math.floor((view.terminalAt ?? this.#deps.simNow()) / 1000);
    const write = (lines: string[], kind: string): string | null =>
      lines.length === 0
        ? null
        : this.#deps.files.create(`${record.id}_${kind}.jsonl`, 'batch_output', Buffer.from(`${prng.shuffle(lines).join('\n')}\n`), createdAt).id;
    record.files = { output: write(outputLines, 'output'), error: write(errorLines, 'error') };
    return record.files;
  }

  #render(record: BatchRecord): Record<string, unknown> {
    const view = this.#view(record, this.#deps.simNow());
    const seconds = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));
    const files = view.terminalAt !== null && view.status !== 'failed' ? this.#materialize(record, view) : null;
    const done = record.results.slice(0, view.done);
    const completed = done.filter((r) => r.ok);
    const validated = view.status !== 'validating' && !(view.status === 'cancelling' && view.inProgressAt === null);
    const expiredLines = view.status === 'expired' ? record.results.length - view.done : 0;
    return {
      id: record.id,
      object: 'batch',
      endpoint: record.endpoint,
      model: record.model,
      errors: record.errors ? { object: 'list', data: record.errors } : null,
      input_file_id: record.inputFileId,
      completion_window: record.completionWindow,
      status: view.status,
      output_file_id: files?.output ?? null,
      error_file_id: files?.error ?? null,
      created_at: seconds(record.createdAt),
      in_progress_at: seconds(view.inProgressAt),
      expires_at: seconds(record.createdAt + record.windowMs),
      finalizing_at: seconds(view.finalizingAt),
      completed_at: seconds(view.completedAt),
      failed_at: seconds(view.failedAt),
      expired_at: seconds(view.expiredAt),
      cancelling_at: seconds(view.cancellingAt),
      cancelled_at: seconds(view.cancelledAt),
      request_counts: {
        total: validated ? record.results.length : 0,
        completed: completed.length,
        failed: done.length - completed.length + expiredLines,
      },
      usage: {
        input_tokens: completed.reduce((sum, r) => sum + r.promptTokens, 0),
        output_tokens: completed.reduce((sum, r) => sum + r.completionTokens, 0),
        total_tokens: completed.reduce((sum, r) => sum + r.promptTokens + r.completionTokens, 0),
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
      metadata: record.metadata,
    };
  }
}
