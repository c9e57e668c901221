/** Token counts of one call. For a cancelled or cut stream, `completion` counts what was sent. */
export interface SimTokenCounts {
  readonly prompt: number;
  readonly completion: number;
  readonly total: number;
}

/** One finished HTTP request, as `GET /__sim/log` and `LlmSim.log()` report it. */
export interface SimLogEntry {
  /** Arrival order, from 1. */
  readonly seq: number;
  /** The `x-request-id` the response carried. */
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly model: string | null;
  /** The persona whose matcher matched the system text, if any. */
  readonly persona: string | null;
  /** The first 80 characters of the system (and developer) messages. */
  readonly system: string | null;
  /** The first 80 characters of the last user message. */
  readonly user: string | null;
  /** The script rule that answered (`name`, or `rules[i]`). */
  readonly rule: string | null;
  /** The HTTP status sent, or `null` when none was (hang, reset, client gone first). */
  readonly status: number | null;
  /** Clock time (ms since the epoch, from the injected clock if any). */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly durationMs: number;
  /** The simulated latency planned for the call (before the first byte), from the script or latency model. */
  readonly latencyMs: number;
  readonly stream: boolean;
  readonly tokens: SimTokenCounts;
  /** The injected fault (`"429"`, `"hang"`, `"cut"`, …, or `"rate-limit"` for the RPM/TPM limiter). */
  readonly fault: string | null;
  /** The client disconnected before the answer was complete. */
  readonly cancelled: boolean;
}

/** A snapshot of the request log. */
export interface SimLog {
  /** Finished requests in the order they finished. `/__sim/*` calls are not logged. */
  readonly requests: readonly SimLogEntry[];
  /** Requests being answered right now. */
  readonly inFlight: number;
  /** The most requests ever in flight at once since start or the last reset. */
  readonly highWaterMark: number;
  /** The requests the client abandoned, with the completion tokens already sent. */
  readonly cancelled: readonly SimLogEntry[];
}

/** A log entry while its request runs. */
export type SimLogDraft = { -readonly [K in keyof SimLogEntry]: SimLogEntry[K] };

/** Records requests and the concurrency high-water mark. */
export class RequestLog {
  #entries: SimLogEntry[] = [];
  #inFlight = 0;
  #highWaterMark = 0;
  #seq = 0;

  /** Counts a request in and returns its draft entry. */
  start(fields: Pick<SimLogEntry, 'id' | 'method' | 'path' | 'startedAt'>): SimLogDraft {
    this.#inFlight++;
    this.#highWaterMark = Math.max(this.#highWaterMark, this.#inFlight);
    return {
      ...fields,
      seq: ++this.#seq,
      model: null,
      persona: null,
      system: null,
      user: null,
      rule: null,
      status: null,
      finishedAt: fields.startedAt,
      durationMs: 0,
      latencyMs: 0,
      stream: false,
      tokens: { prompt: 0, completion: 0, total: 0 },
      fault: null,
      cancelled: false,
    };
  }

  /** Counts a request out and records it. */
  finish(draft: SimLogDraft, finishedAt: number): SimLogEntry {
    this.#inFlight--;
    const entry: SimLogEntry = { ...draft, finishedAt, durationMs: finishedAt - draft.startedAt, tokens: { ...draft.tokens } };
    this.#entries.push(entry);
    return entry;
  }

  /** A copy of the log now. */
  snapshot(): SimLog {
    const requests = this.#entries.map((entry) => ({ ...entry, tokens: { ...entry.tokens } }));
    return {
      requests,
      inFlight: this.#inFlight,
      highWaterMark: this.#highWaterMark,
      cancelled: requests.filter((entry) => entry.cancelled),
    };
  }

  /** Forgets finished requests; the high-water mark restarts from the requests still in flight. */
  reset(): void {
    this.#entries = [];
    this.#highWaterMark = this.#inFlight;
    this.#seq = 0;
  }
}
