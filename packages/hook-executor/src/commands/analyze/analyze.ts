import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createColors } from '@whitebox/core';
import { analyzeOrder } from '../../analyze-order.js';
import type { AnalyzeOrderResult } from '../../analyze-order.js';
import { backupFile, writeFileAtomic } from '../../atomic-write.js';
import { validateExecutorConfig } from '../../load-executor-config.js';
import { loadEventSample } from '../load-event-sample.js';

/** Options of `hook-executor analyze`. */
export interface AnalyzeOptions {
  readonly event: string;
  readonly input: string;
  readonly shuffles: number;
  readonly reset?: string | undefined;
  readonly seed?: number | undefined;
  readonly write: boolean;
  readonly config?: string | undefined;
  readonly projectDir?: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** `hook-executor analyze`: runs the analysis, prints the report, and with `--write` adds the proposed edges. */
export async function analyze(options: AnalyzeOptions): Promise<void> {
  const { projectDir, configPath, loaded, inputText, input } = await loadEventSample(options);
  const progress = (label: string): void => {
    if (!options.quiet && !options.json) process.stderr.write(`  running ${label}\n`);
  };
  const result = await analyzeOrder({
    config: loaded.config,
    configDir: loaded.dir,
    event: options.event,
    input,
    inputText,
    projectDir,
    cwd: projectDir,
    shuffles: options.shuffles,
    ...(options.reset !== undefined && { reset: options.reset }),
    ...(options.seed !== undefined && { random: seededRandom(options.seed) }),
    onTrial: progress,
  });

  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(renderAnalysis(result, path.relative(projectDir, configPath) || configPath));

  if (options.write && result.proposals.length > 0) {
    const raw = JSON.parse(await readFile(configPath, 'utf8')) as { events: Record<string, { hooks: { id: string; after?: string[] }[] }> };
    const hooks = raw.events[options.event]?.hooks ?? [];
    for (const proposal of result.proposals) {
      const hook = hooks.find((candidate) => candidate.id === proposal.hook);
      if (hook !== undefined) hook.after = [...new Set([...(hook.after ?? []), ...proposal.after])];
    }
    validateExecutorConfig(raw, configPath);
    const backup = await backupFile(configPath);
    await writeFileAtomic(configPath, `${JSON.stringify(raw, null, 2)}\n`);
    if (!options.quiet) process.stderr.write(`wrote ${result.proposals.length} edge(s) to ${configPath}${backup ? ` (backup ${backup})` : ''}\n`);
  }
}

/** The analysis as text for a terminal. */
export function renderAnalysis(result: AnalyzeOrderResult, configLabel: string): string {
  const c = createColors(process.stdout);
  const width = Math.max(4, ...result.hooks.map((hook) => hook.id.length));
  const lines = [`${c.bold(`analyze ${result.event}`)}: ${result.hooks.length} hooks, ${result.trials} runs`];
  lines.push(`  ${'hook'.padEnd(width)}  ${'alone'.padStart(8)}  failures  timeouts  verdict`);
  for (const hook of result.hooks) {
    const verdict = hook.orderDependent
      ? c.yellow('ORDER-DEPENDENT')
      : hook.nondeterministic
        ? c.dim('varies between identical runs (not order)')
        : c.green('stable');
    lines.push(
      `  ${hook.id.padEnd(width)}  ${`${hook.medianMs.toFixed(0)} ms`.padStart(8)}  ${String(hook.failures).padStart(8)}  ${String(hook.timeouts).padStart(8)}  ${verdict}`,
    );
    if (hook.orderDependent) {
      for (const { trial, fingerprint } of hook.results) lines.push(c.dim(`  ${' '.repeat(width)}    ${trial}: ${fingerprint}`));
    }
  }
  if (result.proposals.length === 0) {
    lines.push(result.hooks.some((hook) => hook.orderDependent) ? 'no single edge explains the differences' : 'no order dependence found');
  } else {
    lines.push('proposed:');
    for (const proposal of result.proposals) lines.push(`  ${c.bold(proposal.hook)} after ${proposal.after.join(', ')}  ${c.dim(`(${proposal.reason})`)}`);
    lines.push(c.dim(`run again with --write to add them to ${configLabel}`));
  }
  return `${lines.join('\n')}\n`;
}
/** mulberry32: a tiny seeded generator, so `--seed` reproduces the shuffled orders. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
