/**
 * `pnpm demo`: every package's part, doing real work with real timings. Data goes to stdout.
 */
import { performance } from 'node:perf_hooks';
import { createColors } from '@whitebox/core';
import { formatMs, type DemoSection } from './demo-section.js';
import { agentOffloadSection } from './sections/agent-offload-section.js';
import { councilSection } from './sections/council-section.js';
import { cpuPoolSection } from './sections/cpu-pool-section.js';
import { hookExecutorSection } from './sections/hook-executor-section.js';
import { oracleSection } from './sections/oracle-section.js';
import { perfTrackerSection } from './sections/perf-tracker-section.js';
import { runGraphSection } from './sections/run-graph-section.js';
import { runParallelSection } from './sections/run-parallel-section.js';
import { sequentialAgentDetectorSection } from './sections/sequential-agent-detector-section.js';
import { swarmSection } from './sections/swarm-section.js';

const sections: readonly DemoSection[] = [runParallelSection, runGraphSection, cpuPoolSection, oracleSection, agentOffloadSection, councilSection, sequentialAgentDetectorSection, hookExecutorSection, perfTrackerSection, swarmSection];

const c = createColors(process.stdout);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const start = performance.now();
out(c.bold('Whitebox demo'));
for (const [i, section] of sections.entries()) {
  out();
  out(c.bold(`${i + 1}. ${section.title}`));
  await section.run({ out, c });
}
out();
out(c.dim(`demo finished in ${formatMs(performance.now() - start)}`));
