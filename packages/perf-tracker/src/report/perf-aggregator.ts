import type { PerfOutcome, PerfRecord } from '@whitebox/core';
import { analyzeFiringInPlace } from './analyze-firing.js';
import type { FiringMember } from './analyze-firing.js';
import { findSuggestions } from './find-suggestions.js';
import { LatencyHistogram } from './latency-histogram.js';
import { LogBins } from './log-bins.js';
import { parseTimestamp } from './parse-timestamp.js';
import type {
  CriticalPathFigures,
  EventRow,
  HookRow,
  PerfReport,
  PreviousFigures,
  ReportCharts,
  ReportInput,
  SequentialGroup,
  ToolRow,
} from './perf-report.js';

/** Options for {@link createPerfAggregator}. */
export interface PerfAggregatorOptions {
  /** End of the report period, epoch ms. */
  readonly until: number;
  /** Length of the period, ms; `undefined` reports on all time and has no trend. */
  readonly periodMs?: number | undefined;
  /** Only this event. */
  readonly event?: string | undefined;
  /** Only this hook id (tool records are left out). */
  readonly hook?: string | undefined;
  /** Hooks whose p95 is above this are flagged. @default 100 */
  readonly budgetMs?: number;
  /** Hooks of an event without a tool call that start this close to each other form one firing. @default 500 */
  readonly firingGapMs?: number;
}

/** Feeds records one at a time into a report; see {@link createPerfAggregator}. */
export interface PerfAggregator {
  /**
   * Adds one validated record; records outside both periods are ignored.
   *
   * @param start - `record.ts` in epoch ms, when the caller has already parsed it.
   */
  add(record: PerfRecord, start?: number): void;
  /** Closes open firings and builds the report. */
  finish(input: Omit<ReportInput, 'records' | 'previousRecords'>): PerfReport;
}

/** Upper bounds of the latency distribution buckets, ms; the last bucket is open-ended. */
export const DISTRIBUTION_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000] as const;

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A firing with no new hook for this long (in log time) is complete. */
const FIRING_HORIZON_MS = 600_000;
const SWEEP_EVERY = 4096;
const CHART_SERIES = 8;
const TOP_PATHS = 3;

interface HookStats {
  readonly event: string;
  readonly hook: string;
  /** Its event's stats, kept here so the hot path looks up one thing per record. */
  readonly eventStats: EventStats;
  readonly current: LatencyHistogram;
  readonly previous: LatencyHistogram;
  readonly outcomes: Partial<Record<PerfOutcome, number>>;
  readonly runners: Set<string>;
  readonly buckets: Uint32Array;
  readonly series: Map<number, LogBins>;
  readonly timeoutDurations: number[];
  critical: number;
  /** The time slot last recorded into, and its bins: records mostly arrive in time order. */
  lastSlot: number;
  lastBins: LogBins | undefined;
}

interface ToolStats {
  readonly tool: string;
  readonly current: LatencyHistogram;
  readonly previous: LatencyHistogram;
  failures: number;
}

interface EventStats {
  readonly event: string;
  readonly wall: LatencyHistogram;
  /** Firings still open, by tool_use_id (tool events) or session (others). */
  readonly open: Map<string, OpenFiring>;
  hookTime: number;
  readonly paths: Map<string, { hooks: readonly string[]; firings: number; wallTotal: number }>;
  readonly sequential: Map<string, { hooks: readonly string[]; firings: number; wallTotal: number; savableTotal: number }>;
}

interface FiringRun extends FiringMember {
  readonly stats: HookStats;
}

/**
 * The hooks of one event invocation seen so far. Most firings have one hook, so the first run is
 * the firing itself and the `more` array is only allocated for a second: a report over a million
 * records should not allocate a million arrays.
 */
interface OpenFiring extends FiringRun {
  readonly event: string;
  readonly session: string;
  more: FiringRun[] | undefined;
  /** The latest end among its runs. */
  lastEnd: number;
}

/**
 * Streams timing records into a {@link PerfReport} in memory that does not grow with the number of
 * records: percentiles come from one HDR histogram per hook, charts from small log-spaced bins, and
 * firings (the hooks of one event invocation, grouped by session, event and tool call) are
 * analysed and dropped as soon as they are complete.
 *
 * @example
 * const aggregator = createPerfAggregator({ until: Date.now(), periodMs: 7 * 86_400_000 });
 * for await (const { record } of readJsonl(file)) aggregator.add(record);
 * const report = aggregator.finish({ file, exists: true, lines, malformed: 0, unknownVersion: 0, invalid: 0, duplicates: 0 });
 */
export function createPerfAggregator(options: PerfAggregatorOptions): PerfAggregator {
  const { until, periodMs } = options;
  if (typeof until !== 'number' || !Number.isFinite(until)) {
    throw new TypeError(`Expected \`until\` to be epoch milliseconds, got \`${String(until)}\` (${typeof until})`);
  }
  if (periodMs !== undefined && (typeof periodMs !== 'number' || !(periodMs > 0))) {
    throw new TypeError(`Expected \`periodMs\` to be a positive number, got \`${String(periodMs)}\` (${typeof periodMs})`);
  }
  const budgetMs = options.budgetMs ?? 100;
  if (typeof budgetMs !== 'number' || !(budgetMs > 0)) {
    throw new TypeError(`Expected \`budgetMs\` to be a positive number, got \`${String(budgetMs)}\` (${typeof budgetMs})`);
  }
  const gapMs = options.firingGapMs ?? 500;
  const since = periodMs === undefined ? -Infinity : until - periodMs;
  const previousSince = periodMs === undefined ? -Infinity : since - periodMs;
  // A week reads best per hour (168 points), a quarter per day; all time per day too.
  const interval = periodMs === undefined ? DAY : periodMs > 62 * DAY ? 7 * DAY : periodMs > 8 * DAY ? DAY : HOUR;

  /** event → hook id → stats: two lookups, no key string built per record. */
  const hooks = new Map<string, Map<string, HookStats>>();
  const tools = new Map<string, ToolStats>();
  const events = new Map<string, EventStats>();
  let records = 0;
  let previousRecords = 0;
  let latestStart = -Infinity;
  let sinceSweep = 0;

  const eventStats = (event: string): EventStats => {
    let stats = events.get(event);
    if (stats === undefined) {
      stats = { event, wall: new LatencyHistogram(), open: new Map(), hookTime: 0, paths: new Map(), sequential: new Map() };
      events.set(event, stats);
    }
    return stats;
  };

  const hookStats = (event: string, hook: string): HookStats => {
    let byHook = hooks.get(event);
    if (byHook === undefined) hooks.set(event, (byHook = new Map()));
    let stats = byHook.get(hook);
    if (stats === undefined) {
      stats = {
        event,
        hook,
        eventStats: eventStats(event),
        current: new LatencyHistogram(),
        previous: new LatencyHistogram(),
        outcomes: {},
        runners: new Set(),
        buckets: new Uint32Array(DISTRIBUTION_BOUNDS_MS.length + 1),
        series: new Map(),
        timeoutDurations: [],
        critical: 0,
        lastSlot: NaN,
        lastBins: undefined,
      };
      byHook.set(hook, stats);
    }
    return stats;
  };
  const allHooks = (): HookStats[] => [...hooks.values()].flatMap((byHook) => [...byHook.values()]);

  const close = (firing: OpenFiring): void => {
    const stats = eventStats(firing.event);
    if (firing.more === undefined) {
      // One hook: its run is the wall time and the whole critical path.
      const wall = firing.end - firing.start;
      stats.wall.record(wall);
      const path = stats.paths.get(firing.hook);
      if (path === undefined) stats.paths.set(firing.hook, { hooks: [firing.hook], firings: 1, wallTotal: wall });
      else {
        path.firings += 1;
        path.wallTotal += wall;
      }
      firing.stats.critical += 1;
      return;
    }
    const runs = firing.more;
    runs.push({ hook: firing.hook, start: firing.start, end: firing.end, stats: firing.stats });
    // Most firings are parallel (Claude Code starts every hook at once): one pass finds the wall
    // time and the hook that finished last, without building an analysis.
    let first = Infinity;
    let last: FiringRun = runs[0]!;
    for (const run of runs) {
      if (run.start < first) first = run.start;
      if (run.end > last.end) last = run;
    }
    if (!hasGap(runs)) {
      const wall = last.end - first;
      stats.wall.record(wall);
      const path = stats.paths.get(last.hook);
      if (path === undefined) stats.paths.set(last.hook, { hooks: [last.hook], firings: 1, wallTotal: wall });
      else {
        path.firings += 1;
        path.wallTotal += wall;
      }
      last.stats.critical += 1;
      return;
    }
    const analysis = analyzeFiringInPlace(runs);
    stats.wall.record(analysis.wall);
    const pathKey = analysis.criticalPath.length === 1 ? analysis.criticalPath[0]! : analysis.criticalPath.join('\u0000');
    const path = stats.paths.get(pathKey);
    if (path === undefined) stats.paths.set(pathKey, { hooks: analysis.criticalPath, firings: 1, wallTotal: analysis.wall });
    else {
      path.firings += 1;
      path.wallTotal += analysis.wall;
    }
    for (const run of runs) if (analysis.criticalPath.includes(run.hook)) run.stats.critical += 1;
    if (analysis.sequential) {
      const key = analysis.hooks.join('\u0000');
      const group = stats.sequential.get(key);
      if (group === undefined) {
        stats.sequential.set(key, { hooks: analysis.hooks, firings: 1, wallTotal: analysis.wall, savableTotal: analysis.savable });
      } else {
        group.firings += 1;
        group.wallTotal += analysis.wall;
        group.savableTotal += analysis.savable;
      }
    }
  };

  const sweep = (): void => {
    const threshold = latestStart - FIRING_HORIZON_MS;
    for (const { open } of events.values()) {
      for (const [key, firing] of open) {
        if (firing.lastEnd < threshold) {
          open.delete(key);
          close(firing);
        } else if (firing.start > threshold) {
          // Maps iterate in insertion order, which is about start order: the rest are younger.
          break;
        }
      }
    }
  };

  const addHook = (record: PerfRecord, start: number): void => {
    const hook = record.hook ?? '(unnamed)';
    const stats = hookStats(record.event, hook);
    const ms = record.duration_ms;
    stats.current.record(ms);
    stats.outcomes[record.outcome] = (stats.outcomes[record.outcome] ?? 0) + 1;
    if (!stats.runners.has(record.runner)) stats.runners.add(record.runner);
    if (record.outcome === 'timeout' && stats.timeoutDurations.length < 10_000) stats.timeoutDurations.push(ms);
    let bucket = 0;
    while (bucket < DISTRIBUTION_BOUNDS_MS.length && ms > DISTRIBUTION_BOUNDS_MS[bucket]!) bucket += 1;
    stats.buckets[bucket]! += 1;
    const slot = Math.floor(start / interval);
    let bins = slot === stats.lastSlot ? stats.lastBins : stats.series.get(slot);
    if (bins === undefined) stats.series.set(slot, (bins = new LogBins()));
    stats.lastSlot = slot;
    stats.lastBins = bins;
    bins.record(ms);
    const event = stats.eventStats;
    event.hookTime += ms;

    const end = start + ms;
    const key = record.tool_use_id ?? record.session_id;
    const firing = event.open.get(key);
    // Within one firing every hook runs once (Claude Code dedupes identical handlers), so a hook
    // seen again is the next firing. A tool call's hooks share its id; other events' hooks are
    // told apart by session and by starting within the gap after the firing's last end.
    const joins =
      firing !== undefined &&
      firing.session === record.session_id &&
      (record.tool_use_id !== undefined || (start <= firing.lastEnd + gapMs && start >= firing.start - gapMs)) &&
      firing.hook !== hook &&
      (firing.more === undefined || !firing.more.some((run) => run.hook === hook));
    if (joins) {
      (firing.more ??= []).push({ hook, start, end, stats });
      if (end > firing.lastEnd) firing.lastEnd = end;
    } else {
      if (firing !== undefined) close(firing);
      event.open.set(key, { event: record.event, session: record.session_id, hook, start, end, stats, more: undefined, lastEnd: end });
    }
    if (start > latestStart) latestStart = start;
    if (++sinceSweep >= SWEEP_EVERY) {
      sinceSweep = 0;
      sweep();
    }
  };

  return {
    add(record, parsedStart) {
      if (options.event !== undefined && record.event !== options.event) return;
      if (options.hook !== undefined && (record.kind !== 'hook' || record.hook !== options.hook)) return;
      const start = parsedStart ?? parseTimestamp(record.ts);
      if (!(start <= until && start >= previousSince)) return;
      if (start < since) {
        previousRecords += 1;
        if (record.kind === 'hook') hookStats(record.event, record.hook ?? '(unnamed)').previous.record(record.duration_ms);
        else toolStats(record.tool_name ?? '(unknown)').previous.record(record.duration_ms);
        return;
      }
      records += 1;
      if (record.kind === 'hook') {
        addHook(record, start);
      } else {
        const stats = toolStats(record.tool_name ?? '(unknown)');
        stats.current.record(record.duration_ms);
        if (record.outcome !== 'ok') stats.failures += 1;
      }
    },

    finish(input) {
      for (const { open } of events.values()) {
        for (const firing of open.values()) close(firing);
        open.clear();
      }
      const hookRows = allHooks()
        .filter((s) => s.current.count > 0)
        .map((s) => hookRow(s, events.get(s.event)))
        .sort((a, b) => b.p95 - a.p95 || b.total - a.total || a.hook.localeCompare(b.hook));
      const toolRows = [...tools.values()]
        .filter((s) => s.current.count > 0)
        .map(toolRow)
        .sort((a, b) => b.p95 - a.p95 || b.total - a.total || a.tool.localeCompare(b.tool));
      const eventRows = [...events.values()].map(eventRow).sort((a, b) => b.wall.total - a.wall.total || a.event.localeCompare(b.event));
      const timeouts = new Map(allHooks().map((s) => [`${s.event}\u0000${s.hook}`, s.timeoutDurations]));
      return {
        generatedAt: new Date().toISOString(),
        period: { since: periodMs === undefined ? null : new Date(since).toISOString(), until: new Date(until).toISOString() },
        previousPeriod:
          periodMs === undefined ? null : { since: new Date(previousSince).toISOString(), until: new Date(since).toISOString() },
        filters: {
          ...(options.event === undefined ? {} : { event: options.event }),
          ...(options.hook === undefined ? {} : { hook: options.hook }),
        },
        budgetMs,
        input: { ...input, records, previousRecords },
        hooks: hookRows,
        tools: toolRows,
        events: eventRows,
        suggestions: findSuggestions({ hooks: hookRows, events: eventRows, budgetMs, timeoutDurations: timeouts }),
        charts: charts(),
      };
    },
  };

  function toolStats(tool: string): ToolStats {
    let stats = tools.get(tool);
    if (stats === undefined) tools.set(tool, (stats = { tool, current: new LatencyHistogram(), previous: new LatencyHistogram(), failures: 0 }));
    return stats;
  }

  function charts(): ReportCharts {
    const top = allHooks()
      .filter((s) => s.current.count > 0)
      .sort((a, b) => b.current.total - a.current.total)
      .slice(0, CHART_SERIES);
    const slots = top.flatMap((s) => [...s.series.keys()]);
    const first = slots.length === 0 ? 0 : Math.min(...slots);
    const last = slots.length === 0 ? -1 : Math.max(...slots);
    const times: string[] = [];
    for (let slot = first; slot <= last; slot++) times.push(new Date(slot * interval).toISOString());
    return {
      bucketBoundsMs: [...DISTRIBUTION_BOUNDS_MS],
      distribution: top.map((s) => ({ label: labelOf(s), counts: [...s.buckets] })),
      intervalMs: interval,
      times,
      overTime: top.map((s) => ({
        label: labelOf(s),
        p95: times.map((_, i) => s.series.get(first + i)?.percentile(95) ?? null),
      })),
    };
  }
}

/**
 * True when some run started only after every earlier-starting run had ended: the firing was at
 * least partly sequential, and needs the full analysis.
 */
function hasGap(runs: FiringRun[]): boolean {
  runs.sort(byStart);
  let maxEnd = runs[0]!.end;
  for (let i = 1; i < runs.length; i++) {
    const run = runs[i]!;
    if (run.start >= maxEnd - 1) return true;
    if (run.end > maxEnd) maxEnd = run.end;
  }
  return false;
}

function byStart(a: FiringRun, b: FiringRun): number {
  return a.start - b.start || a.end - b.end;
}

function labelOf(stats: HookStats): string {
  return `${stats.hook} (${stats.event})`;
}

function previousOf(histogram: LatencyHistogram): PreviousFigures | undefined {
  if (histogram.count === 0) return undefined;
  const f = histogram.figures();
  return { count: f.count, p50: f.p50, p95: f.p95, total: f.total };
}

function change(now: number, before: number | undefined): number | undefined {
  return before === undefined || before === 0 ? undefined : Math.round(((now - before) / before) * 1000) / 1000;
}

function hookRow(stats: HookStats, event: EventStats | undefined): HookRow {
  const figures = stats.current.figures();
  const previous = previousOf(stats.previous);
  const firings = event?.wall.count ?? 0;
  const p95Change = change(figures.p95, previous?.p95);
  return {
    event: stats.event,
    hook: stats.hook,
    ...figures,
    failures: stats.outcomes.error ?? 0,
    blocked: stats.outcomes.blocked ?? 0,
    timeouts: stats.outcomes.timeout ?? 0,
    outcomes: { ...stats.outcomes },
    share: event !== undefined && event.hookTime > 0 ? Math.round((stats.current.total / event.hookTime) * 1000) / 1000 : 0,
    critical: firings > 0 ? Math.round((stats.critical / firings) * 1000) / 1000 : 0,
    runners: [...stats.runners].sort(),
    ...(previous === undefined ? {} : { previous }),
    ...(p95Change === undefined ? {} : { p95Change }),
  };
}

function toolRow(stats: ToolStats): ToolRow {
  const figures = stats.current.figures();
  const previous = previousOf(stats.previous);
  const p95Change = change(figures.p95, previous?.p95);
  return {
    tool: stats.tool,
    ...figures,
    failures: stats.failures,
    ...(previous === undefined ? {} : { previous }),
    ...(p95Change === undefined ? {} : { p95Change }),
  };
}

function eventRow(stats: EventStats): EventRow {
  const criticalPaths: CriticalPathFigures[] = [...stats.paths.values()]
    .sort((a, b) => b.firings - a.firings || b.wallTotal - a.wallTotal)
    .slice(0, TOP_PATHS)
    .map((p) => ({ hooks: p.hooks, firings: p.firings, meanWall: round(p.wallTotal / p.firings) }));
  const sequential: SequentialGroup[] = [...stats.sequential.values()]
    .sort((a, b) => b.savableTotal - a.savableTotal)
    .map((g) => ({
      hooks: g.hooks,
      firings: g.firings,
      meanWall: round(g.wallTotal / g.firings),
      meanSavable: round(g.savableTotal / g.firings),
    }));
  return {
    event: stats.event,
    firings: stats.wall.count,
    wall: stats.wall.figures(),
    hookTime: round(stats.hookTime),
    criticalPaths,
    sequential,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
