import { z } from 'zod';
import { createPrng, hashSeed } from './create-prng.js';
import type { Prng } from './create-prng.js';
import { estimatePromptTokens, estimateTokens } from './estimate-tokens.js';
import { generateFromSchema, generateText } from './generate-from-schema.js';
import { sampleLatency } from './latency-model.js';
import type { LatencyModel } from './latency-model.js';
import { openAiError } from './openai-error.js';
import { FAULT_KINDS } from './sim-script.js';
import type { FaultKind, FaultRates, ResolvedScriptRule, ResolvedScriptStep, ResolvedSimScript } from './sim-script.js';

/** A chat request, validated and reduced to what the simulator looks at. */
export interface ChatRequest {
  readonly model: string;
  readonly systemText: string;
  readonly userText: string;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly responseFormat: 'text' | 'json_object' | 'json_schema';
  readonly schema: unknown;
  readonly maxTokens: number | undefined;
  readonly promptTokens: number;
  /** Identifies "the same question": model, messages, response_format and the request's seed. */
  readonly contentKey: string;
}

/** What the simulator will do with one call; decided up front, so tokens are known before sending. */
export type ChatOutcome =
  | {
      readonly kind: 'reply';
      readonly content: string;
      readonly finishReason: 'stop' | 'length' | 'content_filter';
      readonly completionTokens: number;
      /** Close the connection after this many content chunks, without `[DONE]`. */
      readonly cutAfterChunks?: number | undefined;
      /** Send an `{"error":…}` event after this many content chunks. */
      readonly errorAfterChunks?: number | undefined;
    }
  | { readonly kind: 'error'; readonly status: number; readonly body: unknown; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

/** A planned chat call. */
export interface ChatPlan {
  readonly request: ChatRequest;
  readonly persona: string | null;
  readonly rule: string | null;
  readonly delayMs: number;
  readonly chunkDelayMs: number;
  /** A {@link FaultKind}, or the status of a scripted error outside that list. */
  readonly fault: string | null;
  readonly faultSource: 'script' | 'rate' | null;
  readonly outcome: ChatOutcome;
}

/** Settings that command-line flags or library options set over the script's own. */
export interface ChatEngineOptions {
  readonly seed: number;
  readonly script: ResolvedSimScript;
  readonly latency?: LatencyModel | undefined;
  readonly chunkDelayMs?: number | undefined;
  readonly faults?: FaultRates | undefined;
  readonly invalidJson?: boolean | undefined;
  /** The wait that injected 429s advertise in `retry-after-ms` (and, rounded up, `retry-after`). */
  readonly retryAfterMs: number;
}

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const messageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
});
const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }),
      }),
    ])
    .nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.literal(1, { error: 'llm-sim answers with one choice only (n must be 1)' }).nullish(),
  seed: z.number().int().nullish(),
});

/** The result of {@link parseChatRequest}: a request, or the 400 to answer with. */
export type ParsedChatRequest =
  | { readonly ok: true; readonly request: ChatRequest }
  | { readonly ok: false; readonly status: 400; readonly body: unknown };

/** Validates a chat completion body the way the API does, down to OpenAI's 400 messages. */
export function parseChatRequest(body: unknown): ParsedChatRequest {
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? issue.path.map(String).join('.') : null;
    const missing = issue?.code === 'invalid_type' && issue.input === undefined;
    const message = missing
      ? `Missing required parameter: '${param}'.`
      : `Invalid value for '${param ?? '(body)'}': ${issue?.message ?? 'invalid request'}.`;
    const code = missing ? 'missing_required_parameter' : 'invalid_value';
    return { ok: false, status: 400, body: openAiError(400, { message, param, code }) };
  }
  const data = result.data;
  const texts = data.messages.map((m) => messageText(m.content));
  const systemText = data.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => messageText(m.content))
    .join('\n');
  const lastUser = data.messages.findLast((m) => m.role === 'user');
  const format = data.response_format?.type ?? 'text';
  const schema = data.response_format?.type === 'json_schema' ? (data.response_format.json_schema.schema ?? {}) : undefined;
  return {
    ok: true,
    request: {
      model: data.model,
      systemText,
      userText: lastUser ? messageText(lastUser.content) : '',
      stream: data.stream === true,
      includeUsage: data.stream === true && data.stream_options?.include_usage === true,
      responseFormat: format,
      schema,
      maxTokens: data.max_completion_tokens ?? data.max_tokens ?? undefined,
      promptTokens: estimatePromptTokens(texts),
      contentKey: JSON.stringify([data.model, data.messages, data.response_format ?? null, data.seed ?? null]),
    },
  };
}

function messageText(content: z.infer<typeof messageSchema>['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => part.text ?? '').join('');
}

type Matcher = (text: string) => boolean;

interface CompiledRule {
  readonly index: number;
  readonly rule: ResolvedScriptRule;
  readonly steps: readonly ResolvedScriptStep[];
  readonly model: Matcher;
  readonly system: Matcher;
  readonly user: Matcher;
}

interface CompiledPersona {
  readonly name: string;
  readonly match: Matcher;
  readonly latency: LatencyModel | undefined;
}

type TextMatcher = string | { readonly regex: string; readonly flags?: string | undefined };

function compileMatcher(matcher: TextMatcher | undefined): Matcher {
  if (matcher === undefined) return () => true;
  if (typeof matcher === 'string') return (text) => text.includes(matcher);
  const regex = new RegExp(matcher.regex, matcher.flags);
  return (text) => regex.test(text);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Decides every chat answer: which rule and step apply, which fault fires, the latency, and the
 * content. Holds the only mutable state that sequences need (per-rule call counts). Both the HTTP
 * endpoint and batch lines go through {@link ChatEngine.plan}.
 */
export class ChatEngine {
  #options: ChatEngineOptions;
  #rules: CompiledRule[] = [];
  #personas: CompiledPersona[] = [];
  readonly #ruleCalls = new Map<number, number>();
  readonly #occurrences = new Map<string, number>();

  /** @param options - The run seed, the script and the overrides. */
  constructor(options: ChatEngineOptions) {
    this.#options = options;
    this.#compile();
  }

  /** The script in force. */
  get script(): ResolvedSimScript {
    return this.#options.script;
  }

  /** Replaces the script and starts every sequence over. */
  setScript(script: ResolvedSimScript): void {
    this.#options = { ...this.#options, script };
    this.#compile();
    this.reset();
  }

  /** Starts every sequence and per-request counter over, as if no call had been made. */
  reset(): void {
    this.#ruleCalls.clear();
    this.#occurrences.clear();
  }

  /** The effective seed: the option, else the script's, else 0. */
  get seed(): number {
    return this.#options.seed;
  }

  #compile(): void {
    const script = this.#options.script;
    this.#rules = (script.rules ?? []).map((rule, index) => ({
      index,
      rule,
      steps: Array.isArray(rule.respond) ? rule.respond : [rule.respond],
      model: compileMatcher(rule.match?.model),
      system: compileMatcher(rule.match?.system),
      user: compileMatcher(rule.match?.user),
    }));
    this.#personas = (script.personas ?? []).map((persona) => ({
      name: persona.name,
      match: compileMatcher(persona.match ?? { regex: `\\b${escapeRegex(persona.name)}\\b`, flags: 'i' }),
      latency: persona.latency,
    }));
  }

  /** Plans the answer to `request`, advancing the matching rule's sequence. */
  plan(request: ChatRequest): ChatPlan {
    const { seed, script } = this.#options;
    const occurrence = this.#occurrences.get(request.contentKey) ?? 0;
    this.#occurrences.set(request.contentKey, occurrence + 1);
    // Content depends on the question only, so a retry gets the same answer; faults and latency
    // depend on the attempt too, so a retry gets a fresh roll.
    const contentPrng = createPrng(hashSeed(seed, 'content', request.contentKey));
    const callPrng = createPrng(hashSeed(seed, 'call', request.contentKey, occurrence));

    const persona = this.#personas.find((p) => p.match(request.systemText)) ?? null;
    const { rule, step } = this.#selectStep(request);

    let fault: string | null = null;
    let faultSource: ChatPlan['faultSource'] = null;
    if (step?.error) {
      fault = String(step.error.status);
      faultSource = 'script';
    } else if (step?.fault) {
      fault = step.fault;
      faultSource = 'script';
    } else if (step?.invalidJson) {
      fault = 'invalid-json';
      faultSource = 'script';
    } else {
      fault = rollFault(this.#options.faults ?? script.faults ?? {}, callPrng);
      if (fault === 'invalid-json' && request.responseFormat === 'text') fault = null;
      faultSource = fault ? 'rate' : null;
    }

    const latencyModel =
      step?.latency ??
      rule?.rule.latency ??
      persona?.latency ??
      script.latency?.models?.[request.model] ??
      this.#options.latency ??
      script.latency?.default;
    const delayMs = step?.delayMs ?? (latencyModel ? sampleLatency(latencyModel, callPrng) : 0);
    const chunkDelayMs = step?.chunkDelayMs ?? this.#options.chunkDelayMs ?? script.chunkDelayMs ?? 0;

    const base = { request, persona: persona?.name ?? null, rule: rule ? (rule.rule.name ?? `rules[${rule.index}]`) : null, delayMs, chunkDelayMs };

    if (step?.error) {
      const e = step.error;
      const headers: Record<string, string> = {};
      if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
      if (e.retryAfterMs !== undefined) headers['retry-after-ms'] = String(e.retryAfterMs);
      if (e.shouldRetry !== undefined) headers['x-should-retry'] = String(e.shouldRetry);
      for (const [name, value] of Object.entries(e.headers ?? {})) headers[name.toLowerCase()] = String(value);
      const body = e.body !== undefined ? e.body : openAiError(e.status, e);
      return { ...base, fault, faultSource, outcome: { kind: 'error', status: e.status, body, headers } };
    }
    if (fault === 'hang' || fault === 'reset') return { ...base, fault, faultSource, outcome: { kind: fault } };
    if (fault !== null && /^\d+$/.test(fault)) {
      const status = Number(fault);
      const headers: Record<string, string> = {};
      if (status === 429) {
        headers['retry-after-ms'] = String(this.#options.retryAfterMs);
        headers['retry-after'] = String(Math.ceil(this.#options.retryAfterMs / 1000));
      }
      return { ...base, fault, faultSource, outcome: { kind: 'error', status, body: openAiError(status), headers } };
    }

    let content: string;
    try {
      content = this.#content(request, step, contentPrng);
    } catch (error) {
      const body = openAiError(400, { message: (error as Error).message, param: 'response_format', code: 'invalid_json_schema' });
      return { ...base, fault: null, faultSource: null, outcome: { kind: 'error', status: 400, body, headers: {} } };
    }
    let finishReason = step?.finishReason ?? 'stop';
    if (request.maxTokens !== undefined && estimateTokens(content) > request.maxTokens) {
      content = Array.from(content).slice(0, request.maxTokens * 4).join('');
      finishReason = 'length';
    }
    const corrupt =
      step?.invalidJson ?? (fault === 'invalid-json' || (this.#invalidJsonSwitch() && request.responseFormat !== 'text'));
    if (corrupt) {
      content = corruptJson(content);
      if (fault === null) [fault, faultSource] = ['invalid-json', 'script'];
    }
    const chunks = splitIntoChunks(content).length;
    const cutAfterChunks = fault === 'cut' ? (step?.afterChunks ?? Math.floor(chunks / 2)) : undefined;
    const errorAfterChunks = fault === 'stream-error' ? (step?.afterChunks ?? Math.floor(chunks / 2)) : undefined;
    return {
      ...base,
      fault,
      faultSource,
      outcome: { kind: 'reply', content, finishReason, completionTokens: estimateTokens(content), cutAfterChunks, errorAfterChunks },
    };
  }

  #invalidJsonSwitch(): boolean {
    return this.#options.invalidJson ?? this.#options.script.invalidJson ?? false;
  }

  #selectStep(request: ChatRequest): { rule: CompiledRule | undefined; step: ResolvedScriptStep | undefined } {
    for (const rule of this.#rules) {
      if (!rule.model(request.model) || !rule.system(request.systemText) || !rule.user(request.userText)) continue;
      const calls = this.#ruleCalls.get(rule.index) ?? 0;
      let step = rule.steps[calls];
      if (step === undefined) {
        const then = rule.rule.then ?? 'repeat-last';
        if (then === 'fall-through') continue;
        step = then === 'cycle' ? rule.steps[calls % rule.steps.length] : rule.steps[rule.steps.length - 1];
      }
      this.#ruleCalls.set(rule.index, calls + 1);
      return { rule, step };
    }
    return { rule: undefined, step: undefined };
  }

  #content(request: ChatRequest, step: ResolvedScriptStep | undefined, prng: Prng): string {
    if (step?.content !== undefined) return step.content;
    if (step?.json !== undefined) return JSON.stringify(step.json);
    switch (request.responseFormat) {
      case 'json_schema':
        return JSON.stringify(generateFromSchema(request.schema, prng));
      case 'json_object':
        return JSON.stringify({ answer: generateText(prng) });
      case 'text':
        return generateText(prng, 8, 40);
    }
  }
}

function rollFault(rates: FaultRates, prng: Prng): FaultKind | null {
  const roll = prng.next();
  let cumulative = 0;
  for (const kind of FAULT_KINDS) {
    cumulative += rates[kind] ?? 0;
    if (roll < cumulative) return kind;
  }
  return null;
}

/**
 * Breaks JSON the way models do: a reply cut short before its closing bracket. Anything that would
 * still parse gets a chatty prefix instead.
 */
export function corruptJson(content: string): string {
  const trimmed = content.trimEnd();
  const cut = trimmed.endsWith('}') || trimmed.endsWith(']') ? trimmed.slice(0, -1) : trimmed;
  try {
    JSON.parse(cut);
  } catch {
    return cut;
  }
  return `Sure! Here is the JSON you asked for: ${cut}`;
}

/** Splits content into stream deltas of about one token (4 code points) each. */
export function splitIntoChunks(content: string): string[] {
  const points = Array.from(content);
  const chunks: string[] = [];
  for (let i = 0; i < points.length; i += 4) chunks.push(points.slice(i, i + 4).join(''));
  return chunks;
}
