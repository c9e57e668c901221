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
  return analyzeFiringInPlace([...members]);
}

/**
 * {@link analyzeFiring} without the copy: sorts `members` in place. The report calls it once per
 * firing, up to a million times, so it avoids closures and allocates only the result.
 */
export function analyzeFiringInPlace(members: FiringMember[]): FiringAnalysis {
  members.sort(byStart);
  const n = members.length;
  let first = Infinity;
  let last = -Infinity;
  let lastIndex = -1;
  let slowest = 0;
  let sequential = false;
  let maxEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const m = members[i]!;
    if (i > 0 && m.start >= maxEnd - TOLERANCE_MS) sequential = true;
    if (m.end > maxEnd) maxEnd = m.end;
    if (m.start < first) first = m.start;
    if (m.end > last) {
      last = m.end;
      lastIndex = i;
    }
    if (m.end - m.start > slowest) slowest = m.end - m.start;
  }
  const hooks: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) hooks[i] = members[i]!.hook;
  if (n === 0) return { wall: 0, criticalPath: [], sequential: false, savable: 0, hooks };
  const wall = last - first;
  if (!sequential) return { wall, criticalPath: [members[lastIndex]!.hook], sequential, savable: 0, hooks };

  const path: string[] = [];
  const used = new Set<number>();
  let current = lastIndex;
  while (current !== -1) {
    path.unshift(members[current]!.hook);
    used.add(current);
    const before = members[current]!.start + TOLERANCE_MS;
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (used.has(i) || members[i]!.end > before) continue;
      if (best === -1 || members[i]!.end > members[best]!.end) best = i;
    }
    current = best;
  }
  return { wall, criticalPath: path, sequential, savable: Math.max(0, wall - slowest), hooks };
}

function byStart(a: FiringMember, b: FiringMember): number {
  return a.start - b.start || a.end - b.end;
}
