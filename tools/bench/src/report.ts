import type { BenchmarkResult, TargetResult } from './run-benchmark.js';
import { formatMachine } from './machine.js';
import type { Summary } from './stats.js';

/** The markers between which `pnpm bench` rewrites the README's table. */
export const README_MARKERS = { start: '<!-- bench:start -->', end: '<!-- bench:end -->' } as const;

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const spread = (s: Summary, fmt: (v: number) => string): string => `**${fmt(s.median)}** (${fmt(s.min)}–${fmt(s.max)})`;

function formatTarget(target: TargetResult): string {
  const name = { candidate: 'time', speedup: 'speed-up', relative: 'ratio' }[target.metric];
  const fmt = target.metric === 'candidate' ? (v: number) => `${ms(v)} ms` : ratio;
  const bound = [target.min !== undefined ? `≥ ${fmt(target.min)}` : '', target.max !== undefined ? `≤ ${fmt(target.max)}` : '']
    .filter(Boolean)
    .join(', ');
  return `${target.pass ? 'pass' : 'FAIL'}: ${name} ${bound}`;
}

/**
 * Renders results as one Markdown table: medians in bold with (min–max), ratios per run, the
 * targets, and the machine they ran on.
 */
export function renderMarkdown(results: readonly BenchmarkResult[]): string {
  if (results.length === 0) return '_No benchmark results yet: run `pnpm bench`._\n';
  const lines = [
    '| benchmark | baseline (ms) | candidate (ms) | speed-up | candidate ÷ baseline | target |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    lines.push(
      [
        '',
        `\`${r.name}\`: ${r.description}`,
        `${r.baseline.label}: ${spread(r.baseline.summary, ms)}`,
        `${r.candidate.label}: ${spread(r.candidate.summary, ms)}`,
        spread(r.speedup, ratio),
        spread(r.relative, ratio),
        r.targets.map(formatTarget).join('; ') || '—',
        '',
      ]
        .join(' | ')
        .trim(),
    );
  }
  const machines = [...new Set(results.map((r) => formatMachine(r.machine)))];
  const runs = [...new Set(results.map((r) => r.runs))].join(' or ');
  lines.push(
    '',
    `Medians in bold, (min–max) over ${runs} paired runs; ratios are computed per run. Machine: ${machines.join('; ')}.`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Replaces the text between {@link README_MARKERS} in `readme`.
 *
 * @throws Error when the markers are missing, so a README edit never silently drops the table.
 */
export function replaceBetweenMarkers(readme: string, table: string): string {
  const start = readme.indexOf(README_MARKERS.start);
  const end = readme.indexOf(README_MARKERS.end);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md has no ${README_MARKERS.start} … ${README_MARKERS.end} block to put the benchmark table in`);
  }
  return `${readme.slice(0, start + README_MARKERS.start.length)}\n${table}${readme.slice(end)}`;
}
