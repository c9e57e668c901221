import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchmark } from '../define-benchmark.js';
import { detectorBin, writeProjectsTree } from './detector-transcripts.js';

const TREE_BYTES = 256 * 1024 * 1024;
const SESSIONS = 48;

let root: string | undefined;
let bytes = 0;
const stats: { mibps: number[]; rss: number[]; chains: number } = { mibps: [], rss: [], chains: 0 };

// Reads every byte of every transcript and counts lines: the I/O floor under any scan.
const READ_ONLY = `
const fs = require('node:fs'), path = require('node:path');
let lines = 0;
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.jsonl')) {
      const fd = fs.openSync(p, 'r'), buf = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      fs.closeSync(fd);
    }
  }
})(process.argv[1]);
process.stdout.write(String(lines));
`;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

/**
 * Issue 5: `scan` over a large generated ~/.claude/projects tree (sessions plus sub-agent
 * transcripts): wall time against a plain read of the same bytes, with MiB/s and peak RSS.
 */
export const detectorScanThroughput = defineBenchmark({
  name: 'detector-scan-throughput',
  description: `detect-sequential-agents scan: ${TREE_BYTES / 1024 / 1024} MiB tree of ${SESSIONS} sessions vs reading the same bytes`,
  pkg: '@whitebox/sequential-agent-detector',
  runs: 3,
  setup: () => {
    root = mkdtempSync(join(tmpdir(), 'detector-scan-bench-'));
    bytes = writeProjectsTree(join(root, 'projects'), { bytes: TREE_BYTES, sessions: SESSIONS });
  },
  teardown: () => {
    if (stats.mibps.length > 0) {
      process.stderr.write(
        `  scan (median): ${median(stats.mibps).toFixed(0)} MiB/s, peak RSS ${median(stats.rss).toFixed(0)} MiB, ${stats.chains} sequential chains found in ${(bytes / 1024 / 1024).toFixed(0)} MiB\n`,
      );
    }
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  },
  baseline: {
    label: 'read only',
    run: () => {
      const result = spawnSync(process.execPath, ['-e', READ_ONLY, join(root!, 'projects')], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`read-only baseline failed: ${result.stderr}`);
    },
  },
  candidate: {
    label: 'scan',
    run: () => {
      const result = spawnSync(process.execPath, [detectorBin, 'scan', join(root!, 'projects'), '--json', '--verbose'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const line = /\(([\d.]+) MiB\/s\), peak RSS ([\d.]+) MiB/.exec(result.stderr);
      if (result.status !== 0 || line === null) throw new Error(`scan failed (exit ${result.status}): ${result.stderr}`);
      stats.mibps.push(Number(line[1]));
      stats.rss.push(Number(line[2]));
      stats.chains = (JSON.parse(result.stdout) as { sessions: { chains: unknown[] }[] }).sessions.reduce((n, s) => n + s.chains.length, 0);
    },
  },
});
