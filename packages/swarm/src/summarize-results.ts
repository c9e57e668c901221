import { readJsonl } from '@whitebox/core';
import { StoredResultSchema } from './swarm-result.js';

/** Latency percentiles in milliseconds; every field is `null` when there is no sample. */
export interface LatencyPercentiles {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/** What `swarm status` reports about a results file. */
export interface ResultsSummary {
  /** The file read. */
  readonly file: string;
  /** Distinct task ids with a result. */
  readonly tasks: number;
  readonly done: number;
  readonly failed: number;
  /** Failed tasks by `error.reason`, most frequent first. */
  readonly failuresByReason: Readonly<Record<string, number>>;
  /** Dollars, summed over the latest result of every id. */
  readonly spentUsd: number;
  /** Results whose model has no price (their cost is unknown, not zero). */
  readonly unpriced: number;
  readonly tokens: { readonly prompt: number; readonly completion: number };
  /** Latency of done tasks (live results only; Batch API results have none). */
  readonly latencyMs: LatencyPercentiles;
  /** HTTP attempts in all. */
  readonly attempts: number;
  /** Tasks that needed more than one attempt. */
  readonly retried: number;
  /** Lines that are not results (a torn last line, hand edits). */
  readonly malformed: number;
  /** Lines superseded by a later line of the same id. */
  readonly superseded: number;
}

interface Entry {
  status: 'done' | 'failed';
  reason: string | undefined;
  cost: number | null | undefined;
  latency: number | null | undefined;
  attempts: number;
  prompt: number;
  completion: number;
}

/**
 * The nearest-rank percentile of sorted values.
 *
 * @param sorted - Ascending.
 * @param p - From 0 to 100.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/**
 * Reads a results file and sums it up: counts, failures by reason, spend, tokens and latency
 * percentiles. The latest line of an id wins; malformed lines are counted, not fatal.
 *
 * @throws {WhiteboxError} `IO` when the file is missing or unreadable.
 */
export async function summarizeResults(file: string): Promise<ResultsSummary> {
  const latest = new Map<string, Entry>();
  let lines = 0;
  const reader = readJsonl(file, { schema: StoredResultSchema, maxMalformedLines: 0 });
  for await (const { record } of reader) {
    lines++;
    latest.set(record.id, {
      status: record.status,
      reason: record.error?.reason,
      cost: record.cost,
      latency: record.latency_ms,
      attempts: record.attempts ?? 1,
      prompt: record.usage?.prompt_tokens ?? 0,
      completion: record.usage?.completion_tokens ?? 0,
    });
  }
  let done = 0;
  let failed = 0;
  let spentUsd = 0;
  let unpriced = 0;
  let prompt = 0;
  let completion = 0;
  let attempts = 0;
  let retried = 0;
  const reasons = new Map<string, number>();
  const latencies = new Float64Array(latest.size);
  let samples = 0;
  let latencySum = 0;
  for (const entry of latest.values()) {
    if (entry.status === 'done') {
      done++;
      if (typeof entry.latency === 'number') {
        latencies[samples++] = entry.latency;
        latencySum += entry.latency;
      }
    } else {
      failed++;
      const reason = entry.reason ?? 'error';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    if (typeof entry.cost === 'number') spentUsd += entry.cost;
    else if (entry.prompt + entry.completion > 0) unpriced++;
    prompt += entry.prompt;
    completion += entry.completion;
    attempts += entry.attempts;
    if (entry.attempts > 1) retried++;
  }
  const sorted = latencies.subarray(0, samples).sort();
  return {
    file,
    tasks: latest.size,
    done,
    failed,
    failuresByReason: Object.fromEntries([...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    spentUsd,
    unpriced,
    tokens: { prompt, completion },
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: samples === 0 ? null : (sorted[samples - 1] as number),
      mean: samples === 0 ? null : latencySum / samples,
    },
    attempts,
    retried,
    malformed: reader.stats.malformed,
    superseded: lines - latest.size,
  };
}
