import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLlmSim, type LlmSim, type ScriptRule, type SimScript } from '@whitebox/llm-sim';
import type { Colors } from '@whitebox/core';
import { formatMs, type DemoSection } from '../demo-section.js';

const run = promisify(execFile);
const COUNCIL_BIN = fileURLToPath(new URL('../../../../packages/council-speculative/bin/council.js', import.meta.url));
const PROPOSAL = 'Replace the nightly cron job that rebuilds the search index with a queue of incremental updates.';
const PERSONAS = ['judge', 'critic', 'skeptic'] as const;
const PERSONA_MS = 300;
const ARBITER_MS = 200;

/** The parts of `council --json` the demo shows. */
interface Transcript {
  readonly durationMs: number;
  readonly stopReason: string;
  readonly final: { readonly verdict: string; readonly round: number } | null;
  readonly rounds: readonly { readonly round: number; readonly speculative: boolean; readonly startedAtMs: number; readonly personasDoneAtMs: number; readonly endedAtMs: number }[];
  readonly speculations: readonly { readonly round: number; readonly outcome: string }[];
  readonly wasted: { readonly calls: number; readonly usage: { readonly totalTokens: number; readonly estimated: boolean }; readonly costUsd: number | null };
}

/** A split council that only agrees from `convergeAt` on (never, when undefined). */
function script(convergeAt: number | undefined): SimScript {
  const split = { judge: 'revise', critic: 'reject', skeptic: 'approve' } as const;
  const rules: ScriptRule[] = [];
  for (let round = 5; round >= 1; round--) {
    const agreed = convergeAt !== undefined && round >= convergeAt;
    rules.push({
      match: { system: 'arbiter', user: { regex: `^Arbiter, round ${round} ` } },
      respond: {
        json: {
          synthesis: agreed ? 'Everyone now approves, with the backfill plan.' : 'Split: the skeptic wants evidence, the critic a backfill plan.',
          converged: agreed,
          confidence: 0.7,
          open_questions: agreed ? [] : ['How is the index rebuilt if the queue loses updates?'],
          verdict: agreed ? 'approve' : 'revise',
        },
      },
    });
    for (const name of PERSONAS) {
      rules.push({
        match: round === 1 ? { system: name } : { system: name, user: { regex: `Council round ${round} of` } },
        respond: { json: { verdict: agreed ? 'approve' : split[name], confidence: 0.7, summary: `${name} in round ${round}`, reasons: ['scripted'], risks: ['scripted'] } },
      });
    }
  }
  return { seed: 7, personas: [{ name: 'arbiter', latency: ARBITER_MS }, ...PERSONAS.map((name) => ({ name, latency: PERSONA_MS }))], rules };
}

async function council(sim: LlmSim, home: string, args: readonly string[]): Promise<Transcript> {
  const env = { PATH: process.env['PATH'] ?? '', HOME: home, NO_COLOR: '1', OPENAI_BASE_URL: sim.baseURL, OPENAI_API_KEY: 'sk-demo', WHITEBOX_MODEL: 'gpt-4o-mini' };
  const { stdout } = await run(process.execPath, [COUNCIL_BIN, '--json', '--quiet', ...args, PROPOSAL], { cwd: home, env });
  return JSON.parse(stdout) as Transcript;
}

/** One line per round: the personas (█) and then the arbiter (░), on a shared time axis. */
function timeline(transcript: Transcript, scale: number, c: Colors): string[] {
  return transcript.rounds.map((round) => {
    const lead = ' '.repeat(Math.round(round.startedAtMs * scale));
    const personas = '█'.repeat(Math.max(1, Math.round((round.personasDoneAtMs - round.startedAtMs) * scale)));
    const gap = ' '.repeat(Math.max(0, Math.round(round.personasDoneAtMs * scale) - lead.length - personas.length));
    const arbiter = '░'.repeat(Math.max(1, Math.round((round.endedAtMs - round.personasDoneAtMs) * scale)));
    const bar = round.speculative ? c.yellow(personas) : personas;
    return `    round ${round.round} ${lead}${bar}${gap}${c.dim(arbiter)}`;
  });
}

const outcome = (t: Transcript): string => `${t.final?.verdict ?? 'no verdict'} at round ${t.final?.round ?? '-'} (${t.stopReason})`;

/** The same council with and without speculation, then one that converges and cancels its speculative round. */
export const councilSection: DemoSection = {
  title: 'council: speculative rounds (3 personas, arbiter, llm-sim)',
  run: async ({ out, c }) => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'whitebox-demo-council-'));
    const sim = await startLlmSim({ script: script(undefined) });
    try {
      out(`  personas ${PERSONA_MS} ms, arbiter ${ARBITER_MS} ms, 3 rounds that never converge`);
      const plain = await council(sim, home, ['--max-rounds', '3']);
      const speculative = await council(sim, home, ['--max-rounds', '3', '--speculative']);
      out(`  not speculative        ${formatMs(plain.durationMs).padStart(9)}   ${outcome(plain)}   (ideal ${3 * (PERSONA_MS + ARBITER_MS)} ms)`);
      out(
        `  speculative (accept)   ${formatMs(speculative.durationMs).padStart(9)}   ${outcome(speculative)}   ${c.green(`${(plain.durationMs / speculative.durationMs).toFixed(2)}× faster`)} (ideal ${3 * PERSONA_MS + ARBITER_MS} ms)`,
      );
      const scale = 60 / Math.max(plain.durationMs, speculative.durationMs);
      out(c.dim('  timeline: █ personas (yellow: started during the previous arbiter), ░ arbiter'));
      out('  not speculative');
      for (const line of timeline(plain, scale, c)) out(line);
      out('  speculative');
      for (const line of timeline(speculative, scale, c)) out(line);

      sim.setScript(script(2));
      sim.reset();
      const converging = await council(sim, home, ['--max-rounds', '5', '--speculative']);
      // The CLI has exited; the simulator may log the last disconnects a moment later.
      for (let i = 0; i < 50 && sim.log().cancelled.length < converging.wasted.calls; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      const { wasted } = converging;
      const cost = wasted.costUsd === null ? '' : `, $${wasted.costUsd.toFixed(6)}`;
      out(`  converging at round 2  ${formatMs(converging.durationMs).padStart(9)}   ${outcome(converging)}`);
      out(
        `    speculative rounds: ${converging.speculations.map((s) => `${s.round} ${s.outcome}`).join(', ')}; ` +
          `${sim.log().cancelled.length} requests aborted mid-flight (llm-sim saw the disconnects), ${wasted.usage.totalTokens} tokens wasted${wasted.usage.estimated ? ' (estimated)' : ''}${cost}`,
      );
    } finally {
      await sim.close();
      await rm(home, { recursive: true, force: true });
    }
  },
};
