import path from 'node:path';
import { perfLogPath, PerfRecordSchema, readJsonlAll, UsageError } from '@whitebox/core';
import type { PerfRecord } from '@whitebox/core';
import { buildEventGraph, hookTimings, renderGraphMermaid, renderGraphText } from '../../event-graph.js';
import { EXECUTOR_CONFIG_RELATIVE_PATH } from '../../executor-constants.js';
import { loadExecutorConfig } from '../../load-executor-config.js';

/** Options of `hook-executor graph`. */
export interface GraphOptions {
  readonly event: string;
  readonly format: 'text' | 'mermaid' | 'both';
  readonly config?: string | undefined;
  readonly projectDir?: string | undefined;
  readonly json: boolean;
}

/** `hook-executor graph`: the event's hooks as text and Mermaid, critical path from recorded timings. */
export async function graph(options: GraphOptions): Promise<void> {
  const projectDir = path.resolve(options.projectDir ?? process.env['CLAUDE_PROJECT_DIR'] ?? process.cwd());
  const configPath = path.resolve(options.config ?? path.join(projectDir, EXECUTOR_CONFIG_RELATIVE_PATH));
  const { config } = await loadExecutorConfig(configPath);
  const block = config.events[options.event];
  if (block === undefined) {
    throw new UsageError(`${configPath} has no hooks for ${options.event} (it has: ${Object.keys(config.events).join(', ') || 'none'})`);
  }
  const { records } = await readJsonlAll<PerfRecord>(perfLogPath(projectDir), { schema: PerfRecordSchema, missingOk: true });
  const eventGraph = buildEventGraph(options.event, block, hookTimings(records, options.event));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(eventGraph, null, 2)}\n`);
    return;
  }
  const parts: string[] = [];
  if (options.format !== 'mermaid') parts.push(renderGraphText(eventGraph));
  if (options.format !== 'text') parts.push(`\`\`\`mermaid\n${renderGraphMermaid(eventGraph)}\`\`\`\n`);
  process.stdout.write(parts.join('\n'));
}
