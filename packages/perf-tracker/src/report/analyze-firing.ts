/** One hook run within a firing. */
export interface FiringMember {
  readonly hook: string;
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms. */
  readonly end: number;
}

/** What one firing of an event shows. */
export interface FiringAnalysis {
  /** From the first start to the last end, ms. */
  readonly wall: number;
  /** The chain of hooks that determined the wall time, in run order. */
  readonly criticalPath: readonly string[];
  /** True when some hook started only after every earlier one had finished. */
  readonly sequential: boolean;
  /** Wall time minus the slowest hook: what running them all at once would save, ms. */
  readonly savable: number;
  /** The hooks in start order. */
  readonly hooks: readonly string[];
}

/** Start and end times are rounded to the millisecond or so by writers: allow that much overlap. */
const TOLERANCE_MS = 1;

/**
 * Analyses the hooks of one event invocation (a "firing"). Claude Code starts every matching hook
 * at once, so hooks that did not overlap were chained by hand (`a.sh && b.sh`) or by a runner
 * that could have run them in parallel. The critical path is found backwards from the hook that
 * finished last, each step taking the latest-finishing hook that ended before the current one
 * started.
 */
export function analyzeFiring(members: readonly FiringMember[]): FiringAnalysis {
  const sorted = [...members].sort((a, b) => a.start - b.start || a.end - b.end);
  let first = Infinity;
  let last = -Infinity;
  let slowest = 0;
  let sequential = false;
  let maxEnd = -Infinity;
  for (const m of sorted) {
    if (maxEnd !== -Infinity && m.start >= maxEnd - TOLERANCE_MS) sequential = true;
    if (m.end > maxEnd) maxEnd = m.end;
    if (m.start < first) first = m.start;
    if (m.end > last) last = m.end;
    if (m.end - m.start > slowest) slowest = m.end - m.start;
  }
  const wall = sorted.length === 0 ? 0 : last - first;

  const path: FiringMember[] = [];
  let current = sorted.reduce<FiringMember | undefined>((best, m) => (best === undefined || m.end > best.end ? m : best), undefined);
  while (current !== undefined) {
    path.unshift(current);
    const before: number = current.start + TOLERANCE_MS;
    current = sorted.reduce<FiringMember | undefined>(
      (best, m) => (m.end <= before && !path.includes(m) && (best === undefined || m.end > best.end) ? m : best),
      undefined,
    );
  }
  return {
    wall,
    criticalPath: path.map((m) => m.hook),
    sequential,
    savable: sequential ? Math.max(0, wall - slowest) : 0,
    hooks: sorted.map((m) => m.hook),
  };
}
