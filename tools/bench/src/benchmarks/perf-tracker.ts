import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defineBenchmark } from '../define-benchmark.js';

/** perf-tracker's bundled bin; `nx build perf-tracker` (or build-cli) makes it. */
const bin = fileURLToPath(new URL('../../../../packages/perf-tracker/bin/perf-tracker.js', import.meta.url));

const RECORDS = 1_000_000;
const NOW = '2026-11-27T12:00:00.000Z';
const MAX_RSS_MB = 200;

let dir = '';
let log = '';
let probe = '';
const rss: Record<'naive' | 'report', number[]> = { naive: [], report: [] };

/** A deterministic PRNG (mulberry32), so every run reports on the same log. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A realistic log: sessions of turns; each turn runs two UserPromptSubmit hooks, ten tool calls
 * (three PreToolUse hooks in parallel, the tool, two PostToolUse hooks) and a Stop hook, over the
 * four weeks before NOW, with some blocks, errors and timeouts.
 */
function generateLog(file: string): void {
  const random = prng(4);
  const latency = (median: number) => Math.round(median * Math.exp((random() - 0.5) * 1.2) * 100) / 100;
  const fd = openSync(file, 'w');
  let buffer = '';
  let written = 0;
  let t = Date.parse(NOW) - 28 * 86_400_000;
  let session = 0;
  let call = 0;
  const push = (record: object): void => {
    buffer += `${JSON.stringify(record)}\n`;
    written += 1;
    if (buffer.length > 1 << 20) {
      writeSync(fd, buffer);
      buffer = '';
    }
  };
  const hook = (event: string, id: string, at: number, ms: number, extra: object = {}) =>
    push({ v: 1, ts: new Date(at).toISOString(), session_id: `sess-${session}`, event, kind: 'hook', hook: id, duration_ms: ms, outcome: 'ok', runner: 'single', exit_code: 0, ...extra });
  while (written < RECORDS) {
    if (random() < 0.02) session += 1;
    hook('UserPromptSubmit', 'context-loader', t, latency(60));
    hook('UserPromptSubmit', 'prompt-guard', t + 1, latency(15));
    t += 2000;
    for (let i = 0; i < 10 && written < RECORDS; i++) {
      call += 1;
      const tool = { tool_name: ['Bash', 'Read', 'Edit', 'Grep'][call % 4], tool_use_id: `toolu_${call}` };
      const blocked = random() < 0.02;
      hook('PreToolUse', 'lint', t, latency(40), { ...tool, ...(random() < 0.01 ? { outcome: 'error', exit_code: 1 } : {}) });
      hook('PreToolUse', 'guard', t + 1, latency(8), { ...tool, ...(blocked ? { outcome: 'blocked', exit_code: 2 } : {}) });
      const timeout = random() < 0.001;
      hook('PreToolUse', 'audit', t + 2, timeout ? 60_000 : latency(120), { ...tool, ...(timeout ? { outcome: 'timeout', exit_code: null } : {}) });
      if (!blocked) {
        push({ v: 1, ts: new Date(t + 150).toISOString(), session_id: `sess-${session}`, event: 'PostToolUse', kind: 'tool', duration_ms: latency(300), outcome: 'ok', runner: 'single', ...tool });
        hook('PostToolUse', 'fmt', t + 500, latency(30), tool);
        hook('PostToolUse', 'notify', t + 501, latency(5), tool);
      }
      t += 3000 + Math.floor(random() * 4000);
    }
    hook('Stop', 'summary', t, latency(25));
    t += 20_000;
  }
  writeSync(fd, buffer);
  closeSync(fd);
}

/** The naive way: read the whole file, parse every line, keep every duration, sort per hook. */
const NAIVE = `
const fs = require('node:fs');
const byHook = new Map();
for (const line of fs.readFileSync(process.argv[1], 'utf8').split('\\n')) {
  if (line === '') continue;
  let r;
  try { r = JSON.parse(line); } catch { continue; }
  if (r.v !== 1) continue;
  const key = r.kind === 'hook' ? r.event + ' ' + r.hook : 'tool ' + r.tool_name;
  let list = byHook.get(key);
  if (list === undefined) byHook.set(key, (list = []));
  list.push(r.duration_ms);
}
const rows = [];
for (const [key, list] of byHook) {
  list.sort((a, b) => a - b);
  const at = (p) => list[Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1)];
  rows.push({ key, count: list.length, p50: at(50), p95: at(95), p99: at(99), max: list[list.length - 1] });
}
process.stdout.write(JSON.stringify(rows));
`;

/** Runs a child with the RSS probe preloaded; returns its peak RSS in MB. */
function runMeasured(args: readonly string[]): number {
  const result = spawnSync(process.execPath, ['-r', probe, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  const match = /__maxrss_kb=(\d+)/.exec(result.stderr);
  if (match === null) throw new Error(`no RSS reading from ${args.join(' ')}`);
  return Number(match[1]) / 1024;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** issue 4: `perf-tracker report` over 1,000,000 records, streaming with HDR histograms. */
export const perfTrackerReport = defineBenchmark({
  name: 'perf-tracker-report',
  description: `perf-tracker report over ${RECORDS.toLocaleString('en')} generated records (peak RSS checked ≤ ${MAX_RSS_MB} MB)`,
  pkg: '@whitebox/perf-tracker',
  runs: 3,
  warmup: 0,
  setup: () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-perf-report-'));
    log = path.join(dir, 'hook_performance.jsonl');
    probe = path.join(dir, 'rss-probe.cjs');
    writeFileSync(probe, "process.on('exit', () => require('node:fs').writeSync(2, `\\n__maxrss_kb=${process.resourceUsage().maxRSS}\\n`));\n");
    generateLog(log);
  },
  teardown: () => {
    if (rss.report.length > 0) {
      process.stderr.write(`  peak RSS: report median ${median(rss.report).toFixed(0)} MB (max ${Math.max(...rss.report).toFixed(0)} MB), naive median ${median(rss.naive).toFixed(0)} MB\n`);
    }
    rmSync(dir, { recursive: true, force: true });
  },
  baseline: {
    label: 'read all + sort',
    run: () => void rss.naive.push(runMeasured(['-e', NAIVE, log])),
  },
  candidate: {
    label: 'perf-tracker report',
    run: () => {
      const mb = runMeasured([bin, 'report', '--log', log, '--since', '30d', '--now', NOW, '--format', 'json']);
      rss.report.push(mb);
      if (mb > MAX_RSS_MB) throw new Error(`perf-tracker report peaked at ${mb.toFixed(0)} MB RSS, over the ${MAX_RSS_MB} MB target`);
    },
  },
  targets: [{ metric: 'candidate', max: 3000, note: 'issue 4: ≤ 3 s for 1,000,000 records (and ≤ 200 MB RSS, checked per run)' }],
});

// 100, so that the p99 is the second-slowest spawn rather than the slowest (with 25 it is the max).
const SPAWNS = 100;
const ALLOWANCE_MS = 5;
const input = JSON.stringify({
  session_id: 'bench',
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'ls' },
  tool_use_id: 'toolu_bench',
});

let wrapDir = '';

/** Spawns a command like Claude Code spawns a hook (JSON on stdin) and times it to exit. */
function timeSpawn(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')} exited ${code}`))));
    child.stdin.end(input);
  });
}

function p99(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]!;
}

/**
 * issue 4: wrapping a hook adds at most one bare `node -e 0` start-up plus 5 ms at p99. The
 * baseline is that budget, measured in the same run: twice the bare hook's p99 (the hook itself
 * plus one more start-up) plus 5 ms. The candidate is the wrapped hook's p99. Each side spawns
 * the hook {@link SPAWNS} times per run.
 */
export const perfTrackerWrap = defineBenchmark({
  name: 'perf-tracker-wrap',
  description: `p99 of ${SPAWNS} spawns: perf-tracker wrap -- node -e 0 vs the budget 2 × p99(node -e 0) + ${ALLOWANCE_MS} ms`,
  pkg: '@whitebox/perf-tracker',
  runs: 5,
  warmup: 1,
  setup: () => {
    wrapDir = mkdtempSync(path.join(os.tmpdir(), 'bench-perf-wrap-'));
  },
  teardown: () => rmSync(wrapDir, { recursive: true, force: true }),
  baseline: {
    label: 'budget: 2 × bare p99 + 5 ms',
    run: async () => {
      const times: number[] = [];
      for (let i = 0; i < SPAWNS; i++) times.push(await timeSpawn(['-e', '0']));
      return 2 * p99(times) + ALLOWANCE_MS;
    },
  },
  candidate: {
    label: 'perf-tracker wrap',
    run: async () => {
      const log = path.join(wrapDir, 'hook_performance.jsonl');
      const times: number[] = [];
      for (let i = 0; i < SPAWNS; i++) times.push(await timeSpawn([bin, 'wrap', '--id', 'bench', '--log', log, '--', process.execPath, '-e', '0']));
      return p99(times);
    },
  },
  targets: [{ metric: 'relative', max: 1.0, note: 'issue 4: wrap p99 ≤ bare p99 + one bare start-up + 5 ms' }],
});
