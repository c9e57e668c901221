import type { RateLimitInfo } from '@whitebox/core';

/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Requests per minute; `undefined` until a response's `x-ratelimit-limit-requests` says. */
  readonly rpm?: number | undefined;
  /** Tokens per minute (prompt + completion); `undefined` until `x-ratelimit-limit-tokens` says. */
  readonly tpm?: number | undefined;
  /**
   * How many seconds of quota may go out at once. Providers enforce per-minute limits over shorter
   * windows too (OpenAI: "quantized"), so the default sends at an even pace rather than spending a
   * minute's quota in the first second. @default 1
   */
  readonly burstSeconds?: number | undefined;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** The limiter's counters at one moment; see {@link RateLimiter.observe}. */
export interface RateLimitMark {
  /** Requests taken so far. */
  readonly requests: number;
  /** Tokens taken so far. */
  readonly tokens: number;
}

/** What the limiter is doing, for progress and summaries. */
export interface RateLimiterStats {
  /** The request limit in force, from the option or the headers. */
  readonly rpm: number | undefined;
  /** The token limit in force. */
  readonly tpm: number | undefined;
  /** Calls waiting for the buckets or the cooldown. */
  readonly waiting: number;
  /** Cooldowns started by a 429. */
  readonly cooldowns: number;
  /** Times the headers lowered a bucket or a limit. */
  readonly corrections: number;
  /** When the current cooldown ends (in `now()` units); 0 when none. */
  readonly cooldownUntil: number;
}

/** Client-side RPM and TPM token buckets with a global cooldown, corrected by the provider's headers. */
export interface RateLimiter {
  /**
   * Waits until one request and `tokens` tokens may go out and no cooldown runs, then takes them.
   * Waiters are served first come, first served.
   *
   * @throws `signal.reason` when the signal aborts while waiting (nothing is taken).
   */
  acquire(tokens: number, signal?: AbortSignal): Promise<void>;
  /**
   * Tells the limiter that an acquired request is leaving now (call it right before sending).
   *
   * @returns The mark to pass to {@link RateLimiter.observe} with this request's response: the
   *   counters without the requests that were acquired but have not left yet, since those reach
   *   the provider after this one.
   */
  depart(): RateLimitMark;
  /**
   * Applies a response's `x-ratelimit-*` headers: a lower limit replaces ours, and a bucket is
   * lowered to what the provider says remains, minus what we took since `since`, the mark
   * {@link RateLimiter.depart} gave as the request left (the provider counted that request, but
   * not the ones that left after it).
   */
  observe(info: RateLimitInfo, since: RateLimitMark): void;
  /** Corrects the token bucket once a call's real usage is known. */
  settle(estimatedTokens: number, actualTokens: number): void;
  /** Holds every request back for `ms` (after a 429); a longer cooldown already running wins. */
  coolDown(ms: number): void;
  /** Counters for progress output. */
  stats(): RateLimiterStats;
}

class Bucket {
  limit: number;
  capacity: number;
  perMs: number;
  level: number;
  at: number;

  constructor(
    limit: number,
    private readonly burstSeconds: number,
    now: number,
    private readonly minCapacity: number,
  ) {
    this.limit = limit;
    this.capacity = Math.max(minCapacity, (limit / 60) * burstSeconds);
    this.perMs = limit / 60_000;
    this.level = this.capacity;
    this.at = now;
  }

  setLimit(limit: number, now: number): void {
    this.refill(now);
    this.limit = limit;
    this.capacity = Math.max(this.minCapacity, (limit / 60) * this.burstSeconds);
    this.perMs = limit / 60_000;
    this.level = Math.min(this.level, this.capacity);
  }

  refill(now: number): void {
    if (now > this.at) {
      this.level = Math.min(this.capacity, this.level + (now - this.at) * this.perMs);
      this.at = now;
    }
  }

  /** Milliseconds until `amount` fits; an amount above the capacity needs a full bucket and then runs into debt. */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    const needed = Math.min(amount, this.capacity);
    return this.level >= needed ? 0 : Math.ceil((needed - this.level) / this.perMs);
  }
}

interface Waiter {
  readonly tokens: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

const STALE_DEPARTURE_MS = 5000;

function checkLimit(name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new TypeError(`Expected \`${name}\` to be a positive number, got \`${String(value)}\` (${typeof value})`);
  }
}

/**
 * Creates the pacing `swarm` puts in front of every HTTP attempt, retries included. Buckets refill
 * continuously at `rpm / 60` and `tpm / 60` per second; see {@link RateLimiterOptions.burstSeconds}.
 * Without `rpm`/`tpm` it passes everything through until a response's headers announce a limit.
 *
 * @throws TypeError naming a bad option.
 * @example
 * const limiter = createRateLimiter({ rpm: 500, tpm: 200_000 });
 * await limiter.acquire(estimatedTokens, signal);
 * const since = limiter.depart();
 * const response = await fetch(url, init);
 * limiter.observe(parseRateLimitHeaders(response.headers), since);
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got \`${String(options)}\` (${typeof options})`);
  }
  checkLimit('rpm', options.rpm);
  checkLimit('tpm', options.tpm);
  checkLimit('burstSeconds', options.burstSeconds);
  const burstSeconds = options.burstSeconds ?? 1;
  const now = options.now ?? Date.now;
  let requests = options.rpm === undefined ? undefined : new Bucket(options.rpm, burstSeconds, now(), 1);
  let tokens = options.tpm === undefined ? undefined : new Bucket(options.tpm, burstSeconds, now(), 1);
  let requestsTaken = 0;
  let tokensTaken = 0;
  // Acquired but not yet departed, oldest first: they reach the provider after whatever departs now.
  const undeparted: { readonly at: number; readonly tokens: number }[] = [];
  let undepartedTokens = 0;
  let cooldownUntil = 0;
  let cooldowns = 0;
  let corrections = 0;
  const queue: Waiter[] = [];
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;

  const forgetStale = (at: number): void => {
    // An acquisition that never departs (its task was cancelled, or its deadline passed right
    // after the wait) must not make every later mark more conservative forever.
    while (undeparted.length > 0 && at - (undeparted[0] as { at: number }).at > STALE_DEPARTURE_MS) {
      undepartedTokens -= (undeparted.shift() as { tokens: number }).tokens;
    }
  };

  const take = (amount: number): void => {
    const at = now();
    forgetStale(at);
    undeparted.push({ at, tokens: amount });
    undepartedTokens += amount;
    requestsTaken += 1;
    tokensTaken += amount;
    if (requests) requests.level -= 1;
    if (tokens) tokens.level -= amount;
  };

  const waitFor = (amount: number, at: number): number =>
    Math.max(cooldownUntil - at, requests?.waitFor(1, at) ?? 0, tokens?.waitFor(amount, at) ?? 0, 0);

  const schedule = (ms: number): void => {
    const at = now() + ms;
    if (timer !== undefined && timerAt <= at) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      pump();
    }, ms);
  };

  const pump = (): void => {
    while (queue.length > 0) {
      const head = queue[0] as Waiter;
      const wait = waitFor(head.tokens, now());
      if (wait > 0) {
        schedule(wait);
        return;
      }
      queue.shift();
      head.signal?.removeEventListener('abort', head.onAbort);
      take(head.tokens);
      head.resolve();
    }
  };

  return {
    acquire(amount, signal) {
      if (!(typeof amount === 'number' && amount >= 0 && Number.isFinite(amount))) {
        return Promise.reject(new TypeError(`Expected \`tokens\` to be a number >= 0, got \`${String(amount)}\` (${typeof amount})`));
      }
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (queue.length === 0 && waitFor(amount, now()) === 0) {
        take(amount);
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          tokens: amount,
          resolve,
          reject,
          signal,
          onAbort: () => {
            const index = queue.indexOf(waiter);
            if (index !== -1) queue.splice(index, 1);
            reject(signal?.reason);
            // The head may have changed; let the next one go if it can.
            pump();
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        pump();
      });
    },
    depart() {
      forgetStale(now());
      const leaving = undeparted.shift();
      if (leaving !== undefined) undepartedTokens -= leaving.tokens;
      return { requests: requestsTaken - undeparted.length, tokens: tokensTaken - undepartedTokens };
    },
    observe(info, since) {
      const at = now();
      let changed = false;
      if (info.limitRequests !== undefined && info.limitRequests > 0 && (requests === undefined || info.limitRequests < requests.limit)) {
        if (requests === undefined) requests = new Bucket(info.limitRequests, burstSeconds, at, 1);
        else requests.setLimit(info.limitRequests, at);
        changed = true;
      }
      if (info.limitTokens !== undefined && info.limitTokens > 0 && (tokens === undefined || info.limitTokens < tokens.limit)) {
        if (tokens === undefined) tokens = new Bucket(info.limitTokens, burstSeconds, at, 1);
        else tokens.setLimit(info.limitTokens, at);
        changed = true;
      }
      if (requests !== undefined && info.remainingRequests !== undefined) {
        requests.refill(at);
        const left = info.remainingRequests - (requestsTaken - since.requests);
        if (left < requests.level) {
          requests.level = left;
          changed = true;
        }
      }
      if (tokens !== undefined && info.remainingTokens !== undefined) {
        tokens.refill(at);
        const left = info.remainingTokens - (tokensTaken - since.tokens);
        if (left < tokens.level) {
          tokens.level = left;
          changed = true;
        }
      }
      if (changed) {
        corrections++;
        pump();
      }
    },
    settle(estimated, actual) {
      if (tokens === undefined || !Number.isFinite(estimated) || !Number.isFinite(actual)) return;
      tokens.refill(now());
      tokens.level = Math.min(tokens.capacity, tokens.level + estimated - actual);
      if (estimated > actual) pump();
    },
    coolDown(ms) {
      if (!(ms > 0)) return;
      const until = now() + ms;
      if (until <= cooldownUntil) return;
      cooldownUntil = until;
      cooldowns++;
      if (queue.length > 0) schedule(ms);
    },
    stats: () => ({
      rpm: requests?.limit,
      tpm: tokens?.limit,
      waiting: queue.length,
      cooldowns,
      corrections,
      cooldownUntil: cooldownUntil > now() ? cooldownUntil : 0,
    }),
  };
}
