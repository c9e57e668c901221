import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchmark } from '../define-benchmark.js';
import { detectorBin, writeTranscript, type CurrentCall } from './detector-transcripts.js';

const BIG_BYTES = 100 * 1024 * 1024;
const DECISIONS_PER_RUN = 30;
const SESSION = 'bench-session-0000-4000-8000-000000000001';

let root: string | undefined;
let big: { file: string; call: CurrentCall } | undefined;
let small: { file: string; call: CurrentCall } | undefined;
const wall: Record<'small' | 'big' | 'node', number[]> = { small: [], big: [], node: [] };

/** One decision on a sequential call: fresh state (one finished foreground batch), a real process. */
function decide(side: 'small' | 'big'): number {
  const { file, call } = side === 'big' ? big! : small!;
  const stateDir = mkdtempSync(join(root!, 'state-'));
  mkdirSync(join(stateDir, SESSION));
  writeFileSync(
    join(stateDir, SESSION, 'main.jsonl'),
    `${JSON.stringify({ e: 'batch', turn: call.promptId, at: Date.now(), spawns: [{ id: call.previousId, outcome: 'foreground' }], others: 0, marker: 0 })}\n`,
  );
  const input = JSON.stringify({
    session_id: SESSION,
    transcript_path: file,
    cwd: root,
    prompt_id: call.promptId,
    hook_event_name: 'PreToolUse',
    tool_name: 'Agent',
    tool_input: call.toolInput,
    tool_use_id: call.toolUseId,
  });
  const started = performance.now();
  const result = spawnSync(process.execPath, [detectorBin, 'hook', '--state-dir', stateDir, '--verbose'], { input, encoding: 'utf8' });
  wall[side].push(performance.now() - started);
  rmSync(stateDir, { recursive: true, force: true });
  const decided = /decided in ([\d.]+) ms/.exec(result.stderr);
  if (result.status !== 0 || !result.stdout.includes('"deny"') || decided === null) {
    throw new Error(`The hook did not take the sequential path (exit ${result.status}): ${result.stdout} ${result.stderr}`);
  }
  return Number(decided[1]);
}

/** Nearest-rank p99 of a run's decisions (with 30 samples, the slowest). */
function p99(side: 'small' | 'big'): number {
  const times = Array.from({ length: DECISIONS_PER_RUN }, () => decide(side)).sort((a, b) => a - b);
  return times[Math.ceil(times.length * 0.99) - 1]!;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

/**
 * Issue 5: the PreToolUse hook's decision on a sequential sub-agent call, p99, on a 100 MB
 * transcript against a 1 KB one. "Decision" is everything after process start-up (stdin, config,
 * state, reading the transcript's tail); start-up itself is printed beside it.
 */
export const detectorHookP99 = defineBenchmark({
  name: 'detector-hook-p99',
  description: `detect-sequential-agents hook: p99 of ${DECISIONS_PER_RUN} decisions on a sequential call, 100 MB transcript vs 1 KB (after process start-up)`,
  pkg: '@whitebox/sequential-agent-detector',
  runs: 3,
  // Every decision is a fresh process; the set-up's first decisions warm the file cache.
  warmup: 0,
  setup: () => {
    root = mkdtempSync(join(tmpdir(), 'detector-hook-bench-'));
    big = { file: join(root, 'big.jsonl'), call: writeTranscript(join(root, 'big.jsonl'), { bytes: BIG_BYTES, sessionId: SESSION }) };
    small = { file: join(root, 'small.jsonl'), call: writeTranscript(join(root, 'small.jsonl'), { bytes: 0, sessionId: SESSION }) };
    process.stderr.write(`  transcripts: ${(statSync(big.file).size / 1024 / 1024).toFixed(0)} MiB and ${(statSync(small.file).size / 1024).toFixed(1)} KiB\n`);
    decide('big');
    decide('small');
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      wall.node.push(performance.now() - started);
    }
  },
  teardown: () => {
    if (wall.big.length > 0) {
      process.stderr.write(
        `  process wall (median): node -e 0 ${median(wall.node).toFixed(0)} ms, hook on 1 KB ${median(wall.small).toFixed(0)} ms, hook on 100 MB ${median(wall.big).toFixed(0)} ms\n`,
      );
    }
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  },
  baseline: { label: 'hook, 1 KB transcript', run: () => p99('small') },
  candidate: { label: 'hook, 100 MB transcript', run: () => p99('big') },
  targets: [{ metric: 'candidate', max: 30, note: 'issue 5: p99 ≤ 30 ms on a 100 MB transcript, plus process start-up' }],
});
