import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LlmError, parseRetryAfter, shouldRetryStatus, withRetry } from '@whitebox/core';
import type { ProviderConfig, RetryPolicy } from '@whitebox/core';

/** A batch as `/v1/batches` describes it (the fields swarm reads; the rest is kept). */
export const BatchObjectSchema = z.looseObject({
  id: z.string(),
  status: z.enum(['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled']),
  input_file_id: z.string(),
  output_file_id: z.string().nullish(),
  error_file_id: z.string().nullish(),
  request_counts: z.looseObject({ total: z.number(), completed: z.number(), failed: z.number() }).nullish(),
  errors: z
    .looseObject({
      data: z.array(z.looseObject({ code: z.string().nullish(), message: z.string().nullish(), line: z.number().nullish() })).nullish(),
    })
    .nullish(),
  created_at: z.number().nullish(),
});

/** A batch object; see {@link BatchObjectSchema}. */
export type BatchObject = z.infer<typeof BatchObjectSchema>;

/** The statuses after which a batch changes no more. */
export const TERMINAL_BATCH_STATUSES: ReadonlySet<BatchObject['status']> = new Set(['failed', 'completed', 'expired', 'cancelled']);

const FileObjectSchema = z.looseObject({ id: z.string(), bytes: z.number().nullish() });
const BatchListSchema = z.looseObject({ data: z.array(BatchObjectSchema), has_more: z.boolean().nullish(), last_id: z.string().nullish() });

/** Options for {@link createBatchApi}. */
export interface BatchApiOptions {
  /** Where requests go; the same provider as live calls. */
  readonly provider: ProviderConfig;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Retries of each request (connection failures, 408, 409, 429, 5xx). @default { maxAttempts: 5 } */
  readonly retry?: RetryPolicy | undefined;
}

/** The part of the OpenAI Files and Batches API that `swarm --via batch-api` uses. */
export interface BatchApi {
  /** Uploads a JSONL file with `purpose=batch`, streamed from disk. */
  uploadFile(file: string, signal?: AbortSignal): Promise<{ readonly id: string; readonly bytes: number | undefined }>;
  /** Creates a `/v1/chat/completions` batch from an uploaded file. */
  createBatch(
    request: { readonly inputFileId: string; readonly completionWindow: string; readonly metadata?: Record<string, string> | undefined },
    signal?: AbortSignal,
  ): Promise<BatchObject>;
  /** Reads a batch's status. */
  retrieveBatch(id: string, signal?: AbortSignal): Promise<BatchObject>;
  /** Asks the provider to cancel a batch; it goes through `cancelling` first. */
  cancelBatch(id: string, signal?: AbortSignal): Promise<BatchObject>;
  /** Lists batches, newest first. */
  listBatches(page?: { readonly after?: string | undefined; readonly limit?: number | undefined }, signal?: AbortSignal): Promise<z.infer<typeof BatchListSchema>>;
  /** Streams a file's content line by line, without holding the file in memory. */
  fileLines(id: string, signal?: AbortSignal): AsyncGenerator<string, void, undefined>;
}

class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly headers: Headers,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Creates a small client for `/v1/files` and `/v1/batches` on the provider's base URL, with core's
 * retry loop around every request. Uploads stream from disk, so a 200 MB input file is never in memory.
 */
export function createBatchApi(options: BatchApiOptions): BatchApi {
  const { provider } = options;
  if (typeof provider !== 'object' || provider === null || typeof provider.baseURL !== 'string') {
    throw new TypeError(`Expected \`options.provider\` to be a ProviderConfig, got \`${String(provider)}\` (${typeof provider})`);
  }
  const fetch = options.fetch ?? globalThis.fetch;
  const base = provider.baseURL.replace(/\/+$/, '');
  const retry: RetryPolicy = { maxAttempts: 5, ...provider.retry, ...options.retry };
  const auth: Record<string, string> = provider.apiKey === undefined ? {} : { authorization: `Bearer ${provider.apiKey}` };

  async function request(method: string, route: string, body: (() => NonNullable<RequestInit['body']>) | undefined, signal: AbortSignal | undefined, json = false): Promise<Response> {
    const url = `${base}${route}`;
    let attempts = 0;
    try {
      return await withRetry(
        async (attempt) => {
          attempts = attempt;
          const response = await fetch(url, {
            method,
            headers: { ...auth, ...(json ? { 'content-type': 'application/json' } : {}) },
            ...(body === undefined ? {} : { body: body() }),
            ...(signal === undefined ? {} : { signal }),
          });
          if (!response.ok) {
            const text = await response.text().catch(() => '');
            let message = text.slice(0, 300);
            try {
              message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
            } catch {
              // Not JSON: keep the text.
            }
            throw new HttpStatusError(response.status, response.headers, `${response.status} ${message}`.trim());
          }
          return response;
        },
        {
          ...retry,
          signal,
          classify: (error) =>
            error instanceof HttpStatusError
              ? { retryable: shouldRetryStatus(error.status, error.headers), retryAfterMs: parseRetryAfter(error.headers) }
              : { retryable: !(signal?.aborted ?? false) && error instanceof TypeError },
        },
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const status = error instanceof HttpStatusError ? error.status : undefined;
      const reason = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
      const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
      throw new LlmError('PROVIDER', `${method} ${url}: ${reason}${tries}`, { status, attempts }, { cause: error });
    }
  }

  async function json<T>(schema: z.ZodType<T>, method: string, route: string, body: unknown, signal: AbortSignal | undefined): Promise<T> {
    const response = await request(method, route, body === undefined ? undefined : () => JSON.stringify(body), signal, body !== undefined);
    const data: unknown = await response.json();
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new LlmError('PROVIDER', `${method} ${base}${route}: unexpected answer: ${JSON.stringify(data).slice(0, 200)}`, { status: response.status });
    }
    return parsed.data;
  }

  return {
    async uploadFile(file, signal) {
      const blob = await openAsBlob(file, { type: 'application/jsonl' });
      const response = await request(
        'POST',
        '/files',
        () => {
          const form = new FormData();
          form.append('purpose', 'batch');
          form.append('file', blob, path.basename(file));
          return form;
        },
        signal,
      );
      const parsed = FileObjectSchema.parse(await response.json());
      return { id: parsed.id, bytes: parsed.bytes ?? undefined };
    },
    createBatch({ inputFileId, completionWindow, metadata }, signal) {
      return json(BatchObjectSchema, 'POST', '/batches', {
        input_file_id: inputFileId,
        endpoint: '/v1/chat/completions',
        completion_window: completionWindow,
        ...(metadata === undefined ? {} : { metadata }),
      }, signal);
    },
    retrieveBatch: (id, signal) => json(BatchObjectSchema, 'GET', `/batches/${encodeURIComponent(id)}`, undefined, signal),
    cancelBatch: (id, signal) => json(BatchObjectSchema, 'POST', `/batches/${encodeURIComponent(id)}/cancel`, undefined, signal),
    listBatches(page = {}, signal) {
      const query = new URLSearchParams();
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      if (page.after !== undefined) query.set('after', page.after);
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      return json(BatchListSchema, 'GET', `/batches${suffix}`, undefined, signal);
    },
    async *fileLines(id, signal) {
      const response = await request('GET', `/files/${encodeURIComponent(id)}/content`, undefined, signal);
      if (response.body === null) return;
      const decoder = new TextDecoder();
      let pending = '';
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk, { stream: true });
        let start = 0;
        for (let at = pending.indexOf('\n'); at !== -1; at = pending.indexOf('\n', start)) {
          const line = pending.slice(start, at).trim();
          start = at + 1;
          if (line !== '') yield line;
        }
        pending = pending.slice(start);
      }
      pending += decoder.decode();
      if (pending.trim() !== '') yield pending.trim();
    },
  };
}
