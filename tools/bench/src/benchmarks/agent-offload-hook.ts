import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type * as AgentOffload from '@whitebox/agent-offload';
import { defineBenchmark } from '../define-benchmark.js';

const bin = fileURLToPath(new URL('../../../../packages/agent-offload/bin/agent-offload.js', import.meta.url));
const SPAWNS_PER_RUN = 30;
const DECISIONS_PER_RUN = 400;

let dir = '';
let hookInput = '';
// Loaded in the decision benchmark's setup, not at the top: `pnpm bench` imports every benchmark file, and a package
// missing from node_modules must not stop the others.
let offload: typeof AgentOffload;

/** The 99th percentile (nearest rank); with 30 samples it is the slowest one. */
function p99(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)]!;
}

async function setup(): Promise<void> {
  dir = await mkdtemp(path.join(tmpdir(), 'bench-agent-offload-'));
  // 5,000 lines in 100 KB: under the byte threshold, so the hook must scan for lines (its costliest path).
  await writeFile(path.join(dir, 'large.ts'), 'export const value = 1234;\n'.repeat(3704).slice(0, 100_000));
  // 20 MB: over the byte threshold at once; the capped scan only counts lines for the message.
  await writeFile(path.join(dir, 'huge.log'), '2026-01-01T00:00:00Z INFO request served in 12 ms\n'.repeat(400_000));
  hookInput = JSON.stringify({
    session_id: 'bench',
    transcript_path: path.join(dir, 'transcript.jsonl'),
    cwd: dir,
    hook_event_name: 'PreToolUse',
    tool_name: 'Read',
    tool_input: { file_path: 'large.ts' },
    tool_use_id: 'toolu_bench',
  });
}

async function teardown(): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

function spawnOnce(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(' ')} exited ${code}`))));
    child.stdin.end(hookInput);
  });
}

async function spawnP99(args: readonly string[]): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < SPAWNS_PER_RUN; i++) samples.push(await spawnOnce(args));
  return p99(samples);
}

/**
 * The whole hook as Claude Code runs it: the bundled bin, stdin to exit, on a Read that gets
 * advice. The baseline is a bare `node -e 0`, so the difference is what the hook adds to Node's
 * own start-up: loading the bundle, reading stdin, deciding, printing.
 */
export const agentOffloadHookSpawn = defineBenchmark({
  name: 'agent-offload-hook-spawn',
  description: `p99 of ${SPAWNS_PER_RUN} spawns per run: \`agent-offload hook\` advising on a 5,000-line Read vs bare \`node -e 0\``,
  pkg: '@whitebox/agent-offload',
  runs: 5,
  warmup: 1,
  setup,
  teardown,
  baseline: { label: 'node -e 0', run: () => spawnP99(['-e', '0']) },
  candidate: { label: 'agent-offload hook', run: () => spawnP99([bin, 'hook']) },
  targets: [{ metric: 'relative', max: 2, note: 'guard: the whole hook costs at most one more Node start-up' }],
});

/**
 * The decision alone, in process: stat, bounded line scan and message, alternating a 5,000-line
 * file (scanned until the threshold) and a 20 MB log (stat decides, a capped scan counts for the
 * message). The baseline is one `stat` of the same file, the least any size check can do.
 */
export const agentOffloadHookDecision = defineBenchmark({
  name: 'agent-offload-hook-decision',
  description: `p99 of ${DECISIONS_PER_RUN} decisions per run (100 KB / 20 MB files) vs one fs.stat`,
  pkg: '@whitebox/agent-offload',
  runs: 7,
  warmup: 1,
  setup: async () => {
    offload = await import('@whitebox/agent-offload');
    await setup();
  },
  teardown,
  baseline: {
    label: 'fs.stat',
    run: async () => {
      const samples: number[] = [];
      for (let i = 0; i < DECISIONS_PER_RUN; i++) {
        const start = performance.now();
        await stat(path.join(dir, i % 2 === 0 ? 'large.ts' : 'huge.log'));
        samples.push(performance.now() - start);
      }
      return p99(samples);
    },
  },
  candidate: {
    label: 'decideOffload',
    run: async () => {
      const settings = offload.resolveOffloadSettings();
      const samples: number[] = [];
      for (let i = 0; i < DECISIONS_PER_RUN; i++) {
        const start = performance.now();
        const file_path = i % 2 === 0 ? 'large.ts' : 'huge.log';
        const decision = await offload.decideOffload({ toolName: 'Read', toolInput: { file_path }, cwd: dir }, settings);
        if (offload.renderHookOutput(decision) === undefined) throw new Error(`expected advice for ${file_path}, got: ${JSON.stringify(decision)}`);
        samples.push(performance.now() - start);
      }
      return p99(samples);
    },
  },
  targets: [{ metric: 'candidate', max: 5, note: 'issue 5: offload hook decision ≤ 5 ms at p99' }],
});
