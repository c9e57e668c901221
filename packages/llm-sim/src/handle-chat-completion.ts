import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatCompletionBody, chatCompletionChunk, chatUsage } from './chat-completion-body.js';
import { parseChatRequest, splitIntoChunks } from './chat-engine.js';
import type { ChatEngine, ChatPlan } from './chat-engine.js';
import { estimateTokens } from './estimate-tokens.js';
import { parseJsonBody, readBody, sendError, sendJson } from './http-io.js';
import type { IdFactory } from './id-factory.js';
import { openAiError } from './openai-error.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SimLogDraft } from './request-log.js';
import { sleep, untilAborted } from './sleep.js';

/** What the chat endpoint needs from the running simulator. */
export interface ChatContext {
  readonly engine: ChatEngine;
  readonly limiter: RateLimiter;
  readonly ids: IdFactory;
  readonly clock: () => number;
  readonly maxBodyBytes: number;
}

/** What one call shares with the router: its log draft, its API key and its cancellation. */
export interface ChatCall {
  readonly draft: SimLogDraft;
  readonly apiKey: string;
  /** Aborts when the client disconnects or the simulator closes. */
  readonly signal: AbortSignal;
  /** Marks a connection the simulator closed on purpose, so the log does not call it a cancel. */
  closedByServer(): void;
}

const SNIPPET_LENGTH = 80;

/** `POST /v1/chat/completions`: validation, rate limits, the engine's plan, then the answer. */
export async function handleChatCompletion(ctx: ChatContext, call: ChatCall, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { draft, apiKey, signal } = call;
  const parsed = parseChatRequest(parseJsonBody(await readBody(req, ctx.maxBodyBytes)));
  if (!parsed.ok) {
    sendJson(res, parsed.status, parsed.body, ctx.limiter.headers(apiKey));
    return;
  }
  const request = parsed.request;
  draft.model = request.model;
  draft.stream = request.stream;
  draft.system = request.systemText ? request.systemText.slice(0, SNIPPET_LENGTH) : null;
  draft.user = request.userText ? request.userText.slice(0, SNIPPET_LENGTH) : null;
  draft.tokens = { prompt: request.promptTokens, completion: 0, total: request.promptTokens };

  const decision = ctx.limiter.admit(apiKey, request.promptTokens + (request.maxTokens ?? 0));
  if (!decision.allowed) {
    draft.fault = 'rate-limit';
    sendError(
      res,
      429,
      { message: decision.message, type: decision.limitedBy ?? 'requests', code: 'rate_limit_exceeded' },
      {
        ...ctx.limiter.headers(apiKey),
        'retry-after': String(Math.ceil(decision.retryAfterMs / 1000)),
        'retry-after-ms': String(decision.retryAfterMs),
      },
    );
    return;
  }

  const plan = ctx.engine.plan(request);
  draft.persona = plan.persona;
  draft.rule = plan.rule;
  draft.fault = plan.fault;
  draft.latencyMs = plan.outcome.kind === 'hang' ? 0 : plan.delayMs;
  const { outcome } = plan;
  ctx.limiter.charge(apiKey, request.promptTokens + (outcome.kind === 'reply' ? outcome.completionTokens : 0));
  for (const [name, value] of Object.entries(ctx.limiter.headers(apiKey))) res.setHeader(name, value);

  if (outcome.kind === 'hang') {
    await untilAborted(signal);
    return;
  }
  if (!(await sleep(plan.delayMs, signal))) return;
  switch (outcome.kind) {
    case 'reset':
      call.closedByServer();
      // An RST rather than a FIN, so the client sees ECONNRESET as from a crashed proxy.
      req.socket.resetAndDestroy();
      return;
    case 'error':
      sendJson(res, outcome.status, outcome.body, outcome.headers);
      return;
    case 'reply':
      if (request.stream) await streamReply(ctx, call, plan, res);
      else sendReply(ctx, call, plan, res);
      return;
  }
}

function sendReply(ctx: ChatContext, call: ChatCall, plan: ChatPlan, res: ServerResponse): void {
  const { request, outcome } = plan;
  if (outcome.kind !== 'reply') return;
  if (outcome.errorAfterChunks !== undefined) {
    sendJson(res, 500, openAiError(500));
    return;
  }
  const text = JSON.stringify(
    chatCompletionBody({
      id: ctx.ids.next('chatcmpl-', 29),
      created: Math.floor(ctx.clock() / 1000),
      model: request.model,
      content: outcome.content,
      finishReason: outcome.finishReason,
      promptTokens: request.promptTokens,
      completionTokens: outcome.completionTokens,
    }),
  );
  const length = Buffer.byteLength(text);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
  if (outcome.cutAfterChunks !== undefined) {
    res.write(Buffer.from(text).subarray(0, Math.floor(length / 2)));
    cut(call, res);
    return;
  }
  res.end(text);
  call.draft.tokens = { prompt: request.promptTokens, completion: outcome.completionTokens, total: request.promptTokens + outcome.completionTokens };
}

async function streamReply(ctx: ChatContext, call: ChatCall, plan: ChatPlan, res: ServerResponse): Promise<void> {
  const { request, outcome } = plan;
  if (outcome.kind !== 'reply') return;
  const { signal, draft } = call;
  const id = ctx.ids.next('chatcmpl-', 29);
  const created = Math.floor(ctx.clock() / 1000);
  const base = { id, created, model: request.model, includeUsage: request.includeUsage };
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });

  const write = async (frame: string): Promise<boolean> => {
    if (signal.aborted || res.destroyed) return false;
    if (!res.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        res.once('drain', done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return !signal.aborted;
  };
  const send = (chunk: unknown): Promise<boolean> => write(`data: ${JSON.stringify(chunk)}\n\n`);

  if (!(await send(chatCompletionChunk({ ...base, delta: { role: 'assistant', content: '', refusal: null } })))) return;
  let sent = '';
  const chunks = splitIntoChunks(outcome.content);
  for (const [index, piece] of chunks.entries()) {
    if (index === outcome.cutAfterChunks) return cut(call, res);
    if (index === outcome.errorAfterChunks) return streamError(res, write);
    if (index > 0 && !(await sleep(plan.chunkDelayMs, signal))) return;
    if (!(await send(chatCompletionChunk({ ...base, delta: { content: piece } })))) return;
    sent += piece;
    const completion = estimateTokens(sent);
    draft.tokens = { prompt: request.promptTokens, completion, total: request.promptTokens + completion };
  }
  if (outcome.cutAfterChunks !== undefined) return cut(call, res);
  if (outcome.errorAfterChunks !== undefined) return streamError(res, write);
  if (!(await send(chatCompletionChunk({ ...base, delta: {}, finishReason: outcome.finishReason })))) return;
  if (request.includeUsage) {
    const usage = chatUsage(request.promptTokens, outcome.completionTokens);
    if (!(await send(chatCompletionChunk({ ...base, delta: null, usage })))) return;
  }
  if (!(await write('data: [DONE]\n\n'))) return;
  res.end();
}

function cut(call: ChatCall, res: ServerResponse): void {
  call.closedByServer();
  // end() flushes what was written and then sends FIN; destroy() would drop the unflushed chunks.
  if (res.socket) res.socket.end();
  else res.destroy();
}

async function streamError(res: ServerResponse, write: (frame: string) => Promise<boolean>): Promise<void> {
  await write(`data: ${JSON.stringify(openAiError(500))}\n\n`);
  res.end();
}
