import type { PerfRecord } from '@whitebox/core';
import type { ExecutorEvent } from './executor-config.js';

/** A hook's recorded timings. */
export interface HookTiming {
  /** Median duration over the records, in milliseconds. */
  readonly medianMs: number;
  /** How many records. */
  readonly count: number;
}

/** One node of an {@link EventGraph}. */
export interface EventGraphNode {
  readonly id: string;
  readonly matcher?: string;
  /** Its `after` list. */
  readonly after: readonly string[];
  /** What runs: the command line or the module (and `cpu`). */
  readonly handler: string;
  /** From `hook_performance.jsonl`; absent when the hook has no records yet. */
  readonly timing?: HookTiming;
}

/** An event's hooks as a graph, with the critical path by recorded timings. */
export interface EventGraph {
  readonly event: string;
  readonly nodes: readonly EventGraphNode[];
  /** The chain of `after` dependencies with the largest sum of median durations. */
  readonly criticalPath: { readonly ids: readonly string[]; readonly durationMs: number };
  /** The sum of all median durations: what running the hooks one after another would take. */
  readonly sequentialMs: number;
  readonly maxConcurrency?: number;
  readonly deadline?: number;
}

/** Median duration per hook id from timing records of `event` (records of every runner count). */
export function hookTimings(records: Iterable<PerfRecord>, event: string): Map<string, HookTiming> {
  const durations = new Map<string, number[]>();
  for (const record of records) {
    if (record.event !== event || record.kind !== 'hook' || record.hook === undefined) continue;
    const list = durations.get(record.hook) ?? [];
    list.push(record.duration_ms);
    durations.set(record.hook, list);
  }
  return new Map(
    [...durations].map(([id, list]) => {
      const sorted = list.sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      const medianMs = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      return [id, { medianMs, count: sorted.length }];
    }),
  );
}

/**
 * Builds the graph of one event's hooks. The critical path is the longest chain through `after`
 * edges, weighting each hook by its median recorded duration (0 without records): with unlimited
 * concurrency, that chain is the event's wall time.
 */
export function buildEventGraph(event: string, block: ExecutorEvent, timings: ReadonlyMap<string, HookTiming>): EventGraph {
  const nodes: EventGraphNode[] = block.hooks.map((hook) => {
    const timing = timings.get(hook.id);
    const handler =
      hook.command !== undefined
        ? [hook.command, ...(hook.args ?? []).map((arg) => (/\s/.test(arg) ? JSON.stringify(arg) : arg))].join(' ')
        : `module ${hook.module ?? ''}${hook.export !== undefined ? `#${hook.export}` : ''}${hook.cpu === true ? ' (cpu pool)' : ''}`;
    return {
      id: hook.id,
      ...(hook.matcher !== undefined && { matcher: hook.matcher }),
      after: hook.after ?? [],
      handler,
      ...(timing !== undefined && { timing }),
    };
  });
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const finish = new Map<string, { total: number; via?: string }>();
  const visit = (node: EventGraphNode): number => {
    const known = finish.get(node.id);
    if (known !== undefined) return known.total;
    finish.set(node.id, { total: 0 }); // validation rejects cycles; this only guards recursion
    let best = 0;
    let via: string | undefined;
    for (const dep of node.after) {
      const depNode = byId.get(dep);
      if (depNode === undefined) continue;
      const total = visit(depNode);
      if (via === undefined || total > best) {
        best = total;
        via = dep;
      }
    }
    const total = best + (node.timing?.medianMs ?? 0);
    finish.set(node.id, via === undefined ? { total } : { total, via });
    return total;
  };
  let end: EventGraphNode | undefined;
  // On a tie the later node wins, so hooks that only wait (no timings yet) stay on the path.
  for (const node of nodes) if (end === undefined || visit(node) >= visit(end)) end = node;
  const ids: string[] = [];
  for (let current = end?.id; current !== undefined; current = finish.get(current)?.via) ids.unshift(current);
  return {
    event,
    nodes,
    criticalPath: { ids, durationMs: end === undefined ? 0 : (finish.get(end.id)?.total ?? 0) },
    sequentialMs: nodes.reduce((sum, node) => sum + (node.timing?.medianMs ?? 0), 0),
    ...(block.maxConcurrency !== undefined && { maxConcurrency: block.maxConcurrency }),
    ...(block.deadline !== undefined && { deadline: block.deadline }),
  };
}

/** The graph as indented text: one line per hook with its matcher, timing and dependencies. */
export function renderGraphText(graph: EventGraph): string {
  const onPath = new Set(graph.criticalPath.ids);
  const width = Math.max(4, ...graph.nodes.map((node) => node.id.length));
  const limits = [
    graph.maxConcurrency === undefined ? 'unlimited concurrency' : `at most ${graph.maxConcurrency} at once`,
    ...(graph.deadline === undefined ? [] : [`deadline ${graph.deadline} s`]),
  ];
  const lines = [`${graph.event}: ${graph.nodes.length} hook${graph.nodes.length === 1 ? '' : 's'}, ${limits.join(', ')}`];
  for (const node of graph.nodes) {
    const timing = node.timing === undefined ? 'no timings' : `${formatMs(node.timing.medianMs)} median of ${node.timing.count}`;
    const after = node.after.length > 0 ? `  after ${node.after.join(', ')}` : '';
    const matcher = node.matcher === undefined ? '' : `  [${node.matcher}]`;
    lines.push(`${onPath.has(node.id) ? '*' : ' '} ${node.id.padEnd(width)}  ${timing.padEnd(20)}${matcher}${after}`.trimEnd());
  }
  if (graph.nodes.length > 0) {
    lines.push(`critical path (*): ${graph.criticalPath.ids.join(' → ')} = ${formatMs(graph.criticalPath.durationMs)}`);
    lines.push(
      `one after another: ${formatMs(graph.sequentialMs)}` +
        (graph.criticalPath.durationMs > 0 ? `; as a graph: ${formatMs(graph.criticalPath.durationMs)} (${(graph.sequentialMs / graph.criticalPath.durationMs).toFixed(1)}×)` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The graph as a Mermaid flowchart; the critical path is highlighted. */
export function renderGraphMermaid(graph: EventGraph): string {
  const id = (name: string) => `h_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const label = (node: EventGraphNode) =>
    [node.id, ...(node.matcher === undefined ? [] : [node.matcher]), node.timing === undefined ? 'no timings' : formatMs(node.timing.medianMs)]
      .map((part) => part.replace(/"/g, '#quot;'))
      .join('<br/>');
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) lines.push(`  ${id(node.id)}["${label(node)}"]`);
  for (const node of graph.nodes) for (const dep of node.after) lines.push(`  ${id(dep)} --> ${id(node.id)}`);
  if (graph.criticalPath.ids.length > 0) {
    lines.push('  classDef critical stroke:#d9480f,stroke-width:3px');
    lines.push(`  class ${graph.criticalPath.ids.map(id).join(',')} critical`);
  }
  return `${lines.join('\n')}\n`;
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}
