import { describe, expect, it } from 'vitest';
import { README_MARKERS, renderMarkdown, replaceBetweenMarkers } from './report.js';
import type { BenchmarkResult } from './run-benchmark.js';

const result: BenchmarkResult = {
  name: 'demo',
  description: 'two sides',
  pkg: '@whitebox/parallel-core',
  date: '2026-11-27T00:00:00.000Z',
  machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, os: 'Linux 6', node: 'v20.20.2' },
  runs: 3,
  baseline: { label: 'sequential', ms: [1000, 1100, 1050], summary: { min: 1000, median: 1050, max: 1100 } },
  candidate: { label: 'parallel', ms: [50, 60, 55], summary: { min: 50, median: 55, max: 60 } },
  speedup: { min: 18, median: 19, max: 20 },
  relative: { min: 0.05, median: 0.052, max: 0.055 },
  targets: [{ metric: 'candidate', max: 70, value: 55, pass: true }],
};

describe(renderMarkdown, () => {
  it('shows medians with their min–max range, the target verdict and the machine', () => {
    const md = renderMarkdown([result]);
    expect(md).toContain('sequential: **1050** (1000–1100)');
    expect(md).toContain('parallel: **55.0** (50.0–60.0)');
    expect(md).toContain('**19.00×** (18.00×–20.00×)');
    expect(md).toContain('pass: time ≤ 70.0 ms');
    expect(md).toContain('2 × Test CPU, 24 GiB, Linux 6, Node v20.20.2');
  });

  it('marks a missed target', () => {
    const md = renderMarkdown([{ ...result, targets: [{ metric: 'speedup', min: 25, value: 19, pass: false }] }]);
    expect(md).toContain('FAIL: speed-up ≥ 25.00×');
  });
});

describe(replaceBetweenMarkers, () => {
  it('replaces only the text between the markers', () => {
    const readme = `intro\n${README_MARKERS.start}\nold table\n${README_MARKERS.end}\noutro\n`;
    expect(replaceBetweenMarkers(readme, 'new table\n')).toBe(`intro\n${README_MARKERS.start}\nnew table\n${README_MARKERS.end}\noutro\n`);
  });

  it('refuses a README without markers instead of dropping the table', () => {
    expect(() => replaceBetweenMarkers('no markers here', 'x')).toThrow(/bench:start/);
  });
});
