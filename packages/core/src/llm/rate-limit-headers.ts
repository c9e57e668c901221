/** What a provider's `x-ratelimit-*` headers say about the caller's remaining budget. */
export interface RateLimitInfo {
  /** `x-ratelimit-limit-requests`: requests allowed per window. */
  readonly limitRequests: number | undefined;
  /** `x-ratelimit-limit-tokens`: tokens allowed per window. */
  readonly limitTokens: number | undefined;
  /** `x-ratelimit-remaining-requests`. */
  readonly remainingRequests: number | undefined;
  /** `x-ratelimit-remaining-tokens`. */
  readonly remainingTokens: number | undefined;
  /** `x-ratelimit-reset-requests`, converted to milliseconds from now. */
  readonly resetRequestsMs: number | undefined;
  /** `x-ratelimit-reset-tokens`, converted to milliseconds from now. */
  readonly resetTokensMs: number | undefined;
}

/** Anything with `get(name)`, such as a Web `Headers`. */
export interface HeaderSource {
  get(name: string): string | null;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * Parses a rate-limit reset duration as OpenAI writes it (`12ms`, `1s`, `6m0s`, `1h2m3.5s`) or a
 * bare number of seconds (what some proxies send).
 *
 * @returns Milliseconds, or `undefined` when `text` is neither form.
 */
export function parseResetDuration(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  let total = 0;
  let consumed = 0;
  DURATION_PART.lastIndex = 0;
  for (let match = DURATION_PART.exec(trimmed); match; match = DURATION_PART.exec(trimmed)) {
    const [whole, amount, unit] = match;
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
    consumed += whole.length;
  }
  return consumed === trimmed.length && consumed > 0 ? Math.round(total) : undefined;
}

function parseCount(text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const value = Number(text);
  // Azure sometimes sends -1 for "unknown" (openai-dotnet#838); treat it as absent, not as a budget.
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Reads the `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers that OpenAI (and
 * llm-sim) send. Ollama, vLLM and LM Studio send none, so callers must cope with `undefined`.
 *
 * @returns The parsed values, or `undefined` when no rate-limit header is present at all.
 */
export function parseRateLimitHeaders(headers: HeaderSource | undefined): RateLimitInfo | undefined {
  if (!headers) return undefined;
  const info: RateLimitInfo = {
    limitRequests: parseCount(headers.get('x-ratelimit-limit-requests')),
    limitTokens: parseCount(headers.get('x-ratelimit-limit-tokens')),
    remainingRequests: parseCount(headers.get('x-ratelimit-remaining-requests')),
    remainingTokens: parseCount(headers.get('x-ratelimit-remaining-tokens')),
    resetRequestsMs: parseResetDuration(headers.get('x-ratelimit-reset-requests')),
    resetTokensMs: parseResetDuration(headers.get('x-ratelimit-reset-tokens')),
  };
  return Object.values(info).some((value) => value !== undefined) ? info : undefined;
}
