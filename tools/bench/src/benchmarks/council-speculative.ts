import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLlmSim, type LlmSim, type ScriptRule, type SimScript } from '@whitebox/llm-sim';
import { defineBenchmark, type Benchmark, type BenchTarget } from '../define-benchmark.js';

// The bundled bin, spawned by path: the bench needs no dependency on the package for it.
const COUNCIL_BIN = fileURLToPath(new URL('../../../../packages/council-speculative/bin/council.js', import.meta.url));
const PROPOSAL = 'Replace the nightly cron job that rebuilds the search index with a queue of incremental updates.';
const PERSONAS = ['judge', 'critic', 'skeptic'] as const;

/** What the benchmark reads back from `council --json`. */
interface TranscriptSummary {
  readonly durationMs: number;
  readonly stopReason: string;
  readonly rounds: readonly unknown[];
  readonly final: { readonly verdict: string; readonly round: number } | null;
  readonly wasted: { readonly calls: number; readonly usage: { readonly totalTokens: number; readonly estimated: boolean }; readonly costUsd: number | null };
}

/**
 * The council scripted round by round: a split council (revise, reject, approve) with an arbiter
 * that says "not converged" until `convergeAt`, from which round everybody approves and the
 * arbiter converges. Persona and arbiter latencies are fixed, so only the schedule differs between
 * speculative and non-speculative runs.
 */
function councilScript(personaMs: number, arbiterMs: number, convergeAt: number | undefined, maxRounds: number): SimScript {
  const rules: ScriptRule[] = [];
  const split = { judge: 'revise', critic: 'reject', skeptic: 'approve' } as const;
  for (let round = maxRounds + 1; round >= 1; round--) {
    const converged = convergeAt !== undefined && round >= convergeAt;
    rules.push({
      match: { system: 'arbiter', user: { regex: `^Arbiter, round ${round} ` } },
      respond: { json: { synthesis: `round ${round}`, converged, confidence: 0.7, open_questions: [], verdict: converged ? 'approve' : 'revise' } },
    });
    for (const name of PERSONAS) {
      rules.push({
        match: round === 1 ? { system: name } : { system: name, user: { regex: `Council round ${round} of` } },
        respond: {
          json: { verdict: converged ? 'approve' : split[name], confidence: 0.7, summary: `${name}, round ${round}`, reasons: ['scripted'], risks: ['scripted'] },
        },
      });
    }
  }
  return {
    seed: 1,
    personas: [{ name: 'arbiter', latency: arbiterMs }, ...PERSONAS.map((name) => ({ name, latency: personaMs }))],
    rules,
  };
}

function runCouncil(sim: LlmSim, home: string, args: readonly string[]): Promise<TranscriptSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COUNCIL_BIN, '--json', '--quiet', ...args, PROPOSAL], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home, NO_COLOR: '1', OPENAI_BASE_URL: sim.baseURL, OPENAI_API_KEY: 'sk-bench', WHITEBOX_MODEL: 'gpt-4o-mini' },
      cwd: home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) {
        reject(new Error(`council ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
        return;
      }
      resolve(JSON.parse(stdout) as TranscriptSummary);
    });
  });
}

/** Options for one council benchmark. */
interface CouncilBenchOptions {
  readonly name: string;
  readonly description: string;
  readonly personaMs: number;
  readonly arbiterMs: number;
  readonly maxRounds: number;
  readonly convergeAt?: number;
  readonly runs: number;
  readonly targets: readonly BenchTarget[];
}

/**
 * A council benchmark: the bundled `council` CLI against an in-process llm-sim, non-speculative
 * (baseline) vs `--speculative=accept` (candidate). Each side reports the transcript's own
 * `durationMs`, so node's start-up is not counted. Both sides must reach the same verdict in the
 * same round, or the benchmark fails; the candidate's wasted tokens are printed at the end.
 */
function councilBenchmark(options: CouncilBenchOptions): Benchmark {
  let sim: LlmSim | undefined;
  let home = '';
  const verdicts = new Map<string, string>();
  const wasted: TranscriptSummary['wasted'][] = [];
  const side = (mode: 'off' | 'accept') => async (): Promise<number> => {
    if (sim === undefined) throw new Error('the simulator is not running');
    const transcript = await runCouncil(sim, home, ['--max-rounds', String(options.maxRounds), `--speculative=${mode}`]);
    const outcome = `${transcript.final?.verdict ?? 'none'} at round ${transcript.final?.round ?? '-'} (${transcript.stopReason})`;
    verdicts.set(mode, outcome);
    const other = verdicts.get(mode === 'off' ? 'accept' : 'off');
    if (other !== undefined && other !== outcome) throw new Error(`${options.name}: speculative and non-speculative councils disagree: ${outcome} vs ${other}`);
    if (mode === 'accept') wasted.push(transcript.wasted);
    return transcript.durationMs;
  };
  return defineBenchmark({
    name: options.name,
    description: options.description,
    pkg: '@whitebox/council-speculative',
    runs: options.runs,
    // Each run spawns a fresh CLI, so there is nothing to warm but the simulator (done in setup).
    warmup: 0,
    setup: async () => {
      home = await mkdtemp(path.join(os.tmpdir(), 'whitebox-bench-council-'));
      sim = await startLlmSim({ script: councilScript(0, 0, options.convergeAt, options.maxRounds) });
      await runCouncil(sim, home, ['--max-rounds', '1']);
      sim.setScript(councilScript(options.personaMs, options.arbiterMs, options.convergeAt, options.maxRounds));
      sim.reset();
    },
    teardown: async () => {
      await sim?.close();
      if (home !== '') await rm(home, { recursive: true, force: true });
      const last = wasted.at(-1);
      if (last !== undefined) {
        const cost = last.costUsd === null ? 'unknown $' : `$${last.costUsd.toFixed(6)}`;
        process.stderr.write(
          `${options.name}: ${verdicts.get('accept')}; speculation wasted ${last.calls} calls, ${last.usage.totalTokens} tokens${last.usage.estimated ? ' (estimated)' : ''}, ${cost} per run\n`,
        );
      }
    },
    baseline: { label: 'non-speculative', run: side('off') },
    candidate: { label: 'speculative (accept)', run: side('accept') },
    targets: options.targets,
  });
}

// Issue 7's schedule at half scale (personas 1.5 s instead of 3 s, arbiter 1 s instead of 2 s),
// so three paired runs fit in about 40 s: non-speculative 3 × (1.5 + 1) = 7.5 s, speculative at
// best 1.5 + 1.5 + 1.5 + 1 = 5.5 s. Fixed client overhead (HTTP, JSON parsing) does not scale
// down, so halving is the smallest scale at which the 5 % margin stays meaningful.
const SCALE = 2;
const PERSONA_MS = 3000 / SCALE;
const ARBITER_MS = 2000 / SCALE;
const SCHEDULE_LIMIT_MS = 3 * PERSONA_MS + ARBITER_MS;

/** Issue 7: three rounds without convergence, the case speculation is built for. */
export const councilSpeculative = councilBenchmark({
  name: 'council-speculative',
  description: `council: 3 rounds, no convergence; personas ${PERSONA_MS / 1000} s, arbiter ${ARBITER_MS / 1000} s (issue 7's 3 s / 2 s ÷ ${SCALE}, llm-sim)`,
  personaMs: PERSONA_MS,
  arbiterMs: ARBITER_MS,
  maxRounds: 3,
  runs: 3,
  targets: [
    { metric: 'speedup', min: 1.3, note: `issue 7: ≥ 1.3× (ideal ${((3 * (PERSONA_MS + ARBITER_MS)) / SCHEDULE_LIMIT_MS).toFixed(2)}×)` },
    { metric: 'candidate', max: SCHEDULE_LIMIT_MS * 1.05, note: `issue 7: within 5 % of the ${SCHEDULE_LIMIT_MS / 1000} s schedule limit` },
  ],
});

// The convergence cases at a tenth of the scale (personas 300 ms, arbiter 200 ms): only the
// ratios and the waste matter here. A cap of 5 rounds leaves a speculative round to cancel.
const SMALL_PERSONA_MS = 300;
const SMALL_ARBITER_MS = 200;

const convergence = (round: number, targets: readonly BenchTarget[]): Benchmark =>
  councilBenchmark({
    name: `council-converge-r${round}`,
    description: `council: converges at round ${round} of ≤ 5; personas ${SMALL_PERSONA_MS} ms, arbiter ${SMALL_ARBITER_MS} ms (issue 7 ÷ 10, llm-sim)`,
    personaMs: SMALL_PERSONA_MS,
    arbiterMs: SMALL_ARBITER_MS,
    maxRounds: 5,
    convergeAt: round,
    runs: 3,
    targets,
  });

/** Converging at once: the speculative round 2 is all waste and saves nothing. */
export const councilConvergeRound1 = convergence(1, [{ metric: 'relative', max: 1.1, note: 'no slower; the saving is 0 (ideal 1.00×)' }]);
/** Converging at round 2: one arbiter wait saved, round 3 cancelled. */
export const councilConvergeRound2 = convergence(2, [{ metric: 'speedup', min: 1.1, note: 'one arbiter wait saved (ideal 1.25×)' }]);
/** Converging at round 3: two arbiter waits saved, round 4 cancelled. */
export const councilConvergeRound3 = convergence(3, [{ metric: 'speedup', min: 1.2, note: 'two arbiter waits saved (ideal 1.36×)' }]);

/** The least useful case for speculation: the arbiter is fast next to the personas, so there is little wait to hide. */
export const councilFastArbiter = councilBenchmark({
  name: 'council-fast-arbiter',
  description: `council: 3 rounds, no convergence; slow personas ${SMALL_PERSONA_MS} ms, fast arbiter 20 ms (llm-sim)`,
  personaMs: SMALL_PERSONA_MS,
  arbiterMs: 20,
  maxRounds: 3,
  runs: 3,
  targets: [{ metric: 'relative', max: 1.05, note: 'speculation costs no time even when it barely helps (ideal 0.96)' }],
});
