import { access } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '@whitebox/core';
import type { CliContext } from '../../cli-context.js';
import { summarizeResults } from '../../summarize-results.js';
import type { ResultsSummary } from '../../summarize-results.js';
import type { StatusArgs } from './command.js';

function ms(value: number | null): string {
  if (value === null) return '–';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** Renders a {@link ResultsSummary} for a person. */
export function formatResultsSummary(summary: ResultsSummary, label: string): string {
  const lines = [`${label}: ${summary.tasks} tasks, ${summary.done} done, ${summary.failed} failed`];
  const reasons = Object.entries(summary.failuresByReason);
  if (reasons.length > 0) lines.push(`failures: ${reasons.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  const unpriced = summary.unpriced > 0 ? `; ${summary.unpriced} results have no price` : '';
  lines.push(
    `spend: $${summary.spentUsd.toFixed(4)} (${summary.tokens.prompt.toLocaleString('en-US')} prompt + ${summary.tokens.completion.toLocaleString('en-US')} completion tokens${unpriced})`,
  );
  const l = summary.latencyMs;
  lines.push(`latency (done): p50 ${ms(l.p50)}, p90 ${ms(l.p90)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}, max ${ms(l.max)}`);
  lines.push(`attempts: ${summary.attempts} (${summary.retried} tasks retried)`);
  if (summary.malformed > 0 || summary.superseded > 0) {
    lines.push(`lines: ${summary.malformed} malformed, ${summary.superseded} superseded by a later line of the same id`);
  }
  return `${lines.join('\n')}\n`;
}

/** `swarm status <results>`: prints the summary on stdout (JSON with `--json`). */
export async function status(args: StatusArgs, context: CliContext): Promise<void> {
  const file = path.resolve(context.cwd, args.results);
  try {
    await access(file);
  } catch {
    throw new UsageError(`${args.results}: no such results file`);
  }
  const summary = await summarizeResults(file);
  context.io.stdout.write(args.json ? `${JSON.stringify({ ...summary, file: args.results }, null, 2)}\n` : formatResultsSummary(summary, args.results));
}
