import { runGraph, type GraphNode } from '@whitebox/parallel-core';
import { formatMs, type DemoSection } from '../demo-section.js';
import { runCommand } from '../run-command.js';

/** A hook pipeline: the context loader must finish before the hooks that read its output. */
const pipeline: ReadonlyArray<{ id: string; deps: string[]; seconds: number }> = [
  { id: 'load-context', deps: [], seconds: 0.08 },
  { id: 'secrets-scan', deps: [], seconds: 0.12 },
  { id: 'lint-staged', deps: ['load-context'], seconds: 0.1 },
  { id: 'type-hints', deps: ['load-context'], seconds: 0.06 },
  { id: 'summarise', deps: ['lint-staged', 'type-hints'], seconds: 0.04 },
];

/** runGraph over real child processes: a timeline and the critical path. */
export const runGraphSection: DemoSection = {
  title: 'runGraph: a hook pipeline with dependencies',
  run: async ({ out, c }) => {
    const nodes: GraphNode[] = pipeline.map(({ id, deps, seconds }) => ({
      id,
      deps,
      run: (signal) => runCommand(`sleep ${seconds}`, signal),
    }));
    const result = await runGraph(nodes);
    const sum = result.nodes.reduce((total, node) => total + node.durationMs, 0);
    const scale = 40 / Math.max(result.durationMs, 1);
    for (const node of result.nodes) {
      const deps = pipeline.find((p) => p.id === node.id)?.deps ?? [];
      const bar = ' '.repeat(Math.round(node.startedAt * scale)) + '█'.repeat(Math.max(1, Math.round(node.durationMs * scale)));
      const onPath = result.criticalPath.ids.includes(node.id);
      const after = deps.length > 0 ? c.dim(`  after ${deps.join(', ')}`) : '';
      out(`  ${node.id.padEnd(13)} ${onPath ? c.yellow(bar.padEnd(42)) : bar.padEnd(42)} ${formatMs(node.durationMs).padStart(8)}${after}`);
    }
    out(`  wall ${formatMs(result.durationMs)} for ${formatMs(sum)} of hooks`);
    out(`  critical path ${c.yellow(result.criticalPath.ids.join(' → '))} (${formatMs(result.criticalPath.durationMs)})`);
  },
};
