/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Requests per minute per API key; `undefined` for no limit. */
  readonly rpm?: number | undefined;
  /** Tokens (prompt + completion) per minute per API key; `undefined` for no limit. */
  readonly tpm?: number | undefined;
  /** Milliseconds since the epoch. @default Date.now */
  readonly clock?: (() => number) | undefined;
}

/** The answer of {@link RateLimiter.admit}. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Which bucket ran dry, when not allowed. */
  readonly limitedBy: 'requests' | 'tokens' | null;
  /** How long until the call would be admitted, when not allowed. */
  readonly retryAfterMs: number;
  /** A message in the style of OpenAI's, when not allowed. */
  readonly message: string;
}

/** Per-key RPM and TPM token buckets that refill continuously, as OpenAI's limits behave. */
export interface RateLimiter {
  /**
   * Admits a call that needs `tokens` tokens: takes one request from the key's request bucket, and
   * checks (without taking) that the token bucket holds `tokens`. Charge the real count with {@link charge}.
   */
  admit(key: string, tokens: number): RateLimitDecision;
  /** Takes `tokens` from the key's token bucket; it may go below zero, delaying later calls. */
  charge(key: string, tokens: number): void;
  /** The `x-ratelimit-*` headers for `key` now; empty when no limit is set. */
  headers(key: string): Record<string, string>;
  /** Refills every bucket. */
  reset(): void;
}

interface Bucket {
  level: number;
  updatedAt: number;
}

/**
 * Creates a {@link RateLimiter}.
 *
 * @throws TypeError when `rpm` or `tpm` is not a positive number.
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const { rpm, tpm } = options;
  for (const [name, value] of [['rpm', rpm], ['tpm', tpm]] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new TypeError(`Expected \`${name}\` to be a positive number, got ${String(value)} (${typeof value})`);
    }
  }
  const clock = options.clock ?? Date.now;
  const requests = new Map<string, Bucket>();
  const tokens = new Map<string, Bucket>();

  const level = (buckets: Map<string, Bucket>, key: string, capacity: number): Bucket => {
    const now = clock();
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { level: capacity, updatedAt: now };
      buckets.set(key, bucket);
    }
    bucket.level = Math.min(capacity, bucket.level + ((now - bucket.updatedAt) * capacity) / 60_000);
    bucket.updatedAt = now;
    return bucket;
  };
  const waitFor = (bucket: Bucket, needed: number, capacity: number): number =>
    Math.max(0, Math.ceil(((Math.min(needed, capacity) - bucket.level) * 60_000) / capacity));

  return {
    admit(key, needed) {
      if (rpm !== undefined) {
        const bucket = level(requests, key, rpm);
        if (bucket.level < 1) {
          const retryAfterMs = waitFor(bucket, 1, rpm);
          return {
            allowed: false,
            limitedBy: 'requests',
            retryAfterMs,
            message: `Rate limit reached for requests per min (RPM): Limit ${rpm}, Used ${rpm - Math.floor(bucket.level)}, Requested 1. Please try again in ${formatResetDuration(retryAfterMs)}.`,
          };
        }
      }
      if (tpm !== undefined) {
        const bucket = level(tokens, key, tpm);
        if (bucket.level < Math.min(needed, tpm)) {
          const retryAfterMs = waitFor(bucket, needed, tpm);
          return {
            allowed: false,
            limitedBy: 'tokens',
            retryAfterMs,
            message: `Rate limit reached for tokens per min (TPM): Limit ${tpm}, Used ${tpm - Math.max(0, Math.floor(bucket.level))}, Requested ${needed}. Please try again in ${formatResetDuration(retryAfterMs)}.`,
          };
        }
      }
      if (rpm !== undefined) level(requests, key, rpm).level -= 1;
      return { allowed: true, limitedBy: null, retryAfterMs: 0, message: '' };
    },
    charge(key, count) {
      if (tpm !== undefined) level(tokens, key, tpm).level -= count;
    },
    headers(key) {
      const out: Record<string, string> = {};
      if (rpm !== undefined) {
        const bucket = level(requests, key, rpm);
        out['x-ratelimit-limit-requests'] = String(rpm);
        out['x-ratelimit-remaining-requests'] = String(Math.max(0, Math.floor(bucket.level)));
        out['x-ratelimit-reset-requests'] = formatResetDuration(((rpm - bucket.level) * 60_000) / rpm);
      }
      if (tpm !== undefined) {
        const bucket = level(tokens, key, tpm);
        out['x-ratelimit-limit-tokens'] = String(tpm);
        out['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(bucket.level)));
        out['x-ratelimit-reset-tokens'] = formatResetDuration(((tpm - bucket.level) * 60_000) / tpm);
      }
      return out;
    },
    reset() {
      requests.clear();
      tokens.clear();
    },
  };
}

/**
 * Formats a wait the way OpenAI's `x-ratelimit-reset-*` headers do (Go durations): `0s`, `120ms`,
 * `1.5s`, `6m0s`, `1h2m3s`.
 */
export function formatResetDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  const rounded = Math.ceil(ms);
  if (rounded < 1000) return `${rounded}ms`;
  const totalSeconds = rounded / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Number((totalSeconds % 60).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
