import { formatMs, formatShare } from './format-duration.js';
import type { EventRow, HookRow, Suggestion } from './perf-report.js';

/** What {@link findSuggestions} looks at. */
export interface FindSuggestionsInput {
  readonly hooks: readonly HookRow[];
  readonly events: readonly EventRow[];
  readonly budgetMs: number;
  /** Durations of timed-out runs per `event\0hook`. */
  readonly timeoutDurations: ReadonlyMap<string, readonly number[]>;
}

/** A hook needs this many runs before "its outcome never changes" means anything. */
export const CONSTANT_OUTCOME_MIN_RUNS = 20;
/** Timeouts are "frequent" from this many and this share of runs. */
export const FREQUENT_TIMEOUTS = { min: 3, share: 0.05 } as const;
/** Sequential hooks are worth a suggestion from this many firings and this much savable time per firing. */
export const SEQUENTIAL_MIN = { firings: 2, savableMs: 5 } as const;
/** Claude Code's `timeout` is in seconds; a hook that runs this long before timing out was probably given milliseconds. */
export const MS_AS_SECONDS_THRESHOLD_MS = 1_000_000;

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

/**
 * Turns the report's numbers into recommendations, each with the evidence behind it:
 * hooks over the latency budget, hooks of one event that ran one after another and could run in
 * parallel (with hook-executor), hooks whose outcome never changes, frequent timeouts, and
 * timeouts so long that the configured `timeout` was probably milliseconds read as seconds.
 */
export function findSuggestions(input: FindSuggestionsInput): Suggestion[] {
  const { budgetMs } = input;
  const suggestions: Suggestion[] = [];

  for (const h of input.hooks) {
    if (h.p95 > budgetMs) {
      suggestions.push({
        kind: 'over-budget',
        severity: h.p50 > budgetMs ? 'high' : 'medium',
        event: h.event,
        hooks: [h.hook],
        message: `Speed up ${h.hook} on ${h.event}: its p95 of ${formatMs(h.p95)} is over the ${formatMs(budgetMs)} budget. Make it faster, narrow its matcher, or mark it "async": true if it only observes.`,
        evidence: `${h.count.toLocaleString('en')} runs: p50 ${formatMs(h.p50)}, p95 ${formatMs(h.p95)}, p99 ${formatMs(h.p99)}, max ${formatMs(h.max)}, ${formatMs(h.total)} in total (${formatShare(h.share)} of ${h.event} hook time).`,
      });
    }

    const outcomes = Object.entries(h.outcomes).filter(([, n]) => (n ?? 0) > 0);
    if (h.count >= CONSTANT_OUTCOME_MIN_RUNS && outcomes.length === 1) {
      const outcome = outcomes[0]![0];
      // Making a hook async only pays when it costs something: a tenth of the budget at p95.
      if (outcome === 'ok' && h.p95 >= budgetMs / 10) {
        suggestions.push({
          kind: 'constant-outcome',
          severity: 'low',
          event: h.event,
          hooks: [h.hook],
          message: `${h.hook} on ${h.event} never blocked or failed: if it only observes, mark it "async": true so it stops holding up ${h.event}, or remove it.`,
          evidence: `All ${h.count.toLocaleString('en')} runs ended "ok"; they cost ${formatMs(h.total)} (p50 ${formatMs(h.p50)}).`,
        });
      } else if (outcome === 'error' || outcome === 'blocked') {
        suggestions.push({
          kind: 'constant-outcome',
          severity: outcome === 'error' ? 'high' : 'medium',
          event: h.event,
          hooks: [h.hook],
          message:
            outcome === 'error'
              ? `${h.hook} on ${h.event} failed every time: it is broken or misconfigured, and costs time for nothing.`
              : `${h.hook} on ${h.event} blocked every time: check its matcher and condition; a rule that always blocks belongs in permissions.deny.`,
          evidence: `All ${h.count} runs ended "${outcome}", ${formatMs(h.total)} in total.`,
        });
      }
    }

    const timeoutShare = h.count === 0 ? 0 : h.timeouts / h.count;
    if (h.timeouts >= FREQUENT_TIMEOUTS.min && timeoutShare >= FREQUENT_TIMEOUTS.share) {
      const durations = input.timeoutDurations.get(`${h.event}\u0000${h.hook}`) ?? [];
      suggestions.push({
        kind: 'frequent-timeouts',
        severity: timeoutShare >= 0.2 ? 'high' : 'medium',
        event: h.event,
        hooks: [h.hook],
        message: `${h.hook} on ${h.event} times out often: a timed-out hook decides nothing (PreToolUse fails open), so fix what it waits for or give it a realistic timeout.`,
        evidence: `${h.timeouts} of ${h.count} runs timed out (${formatShare(timeoutShare)}), typically after ${formatMs(median(durations))}.`,
      });
    }

    const durations = input.timeoutDurations.get(`${h.event}\u0000${h.hook}`) ?? [];
    const typical = median(durations);
    if (durations.length > 0 && typical >= MS_AS_SECONDS_THRESHOLD_MS) {
      const configured = roundish(typical / 1000);
      suggestions.push({
        kind: 'timeout-units',
        severity: 'high',
        event: h.event,
        hooks: [h.hook],
        message: `${h.hook} on ${h.event} only timed out after ${formatMs(typical)}: its "timeout" is probably ${configured} meant as milliseconds, but Claude Code reads seconds. Write ${formatSeconds(configured / 1000)} instead.`,
        evidence: `${durations.length} timeout${durations.length === 1 ? '' : 's'} after a median of ${formatMs(typical)} (${Math.round(typical / 1000).toLocaleString('en')} s).`,
      });
    }
  }

  for (const e of input.events) {
    for (const group of e.sequential) {
      if (group.firings < SEQUENTIAL_MIN.firings || group.meanSavable < SEQUENTIAL_MIN.savableMs) continue;
      const unique = [...new Set(group.hooks)];
      suggestions.push({
        kind: 'run-in-parallel',
        severity: group.meanSavable > budgetMs ? 'high' : 'medium',
        event: e.event,
        hooks: unique,
        message: `Run ${unique.join(', ')} on ${e.event} in parallel with hook-executor (one hook entry: hook-executor run): they ran one after another, and together would save about ${formatMs(group.meanSavable)} per firing.`,
        evidence: `Sequential in ${group.firings} of ${e.firings} ${e.event} firings; mean wall ${formatMs(group.meanWall)}, of which ${formatMs(group.meanSavable)} is beyond the slowest hook (${formatMs(group.meanSavable * group.firings)} in total).`,
      });
    }
  }

  return suggestions.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The configured value a measured timeout most likely came from: 5003 s → 5000. */
function roundish(seconds: number): number {
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(seconds)) - 1);
  return Math.round(seconds / magnitude) * magnitude;
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}
