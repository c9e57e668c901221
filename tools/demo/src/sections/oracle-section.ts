import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLlmSim, type SimScript } from '@whitebox/llm-sim';
import { formatMs, type DemoSection } from '../demo-section.js';

const run = promisify(execFile);
const ORACLE_BIN = fileURLToPath(new URL('../../../../packages/oracle-batch/bin/oracle.js', import.meta.url));
const PERSONAS = ['judge', 'critic', 'skeptic'];
const PROPOSAL = 'Replace the nightly cron job that rebuilds the search index with a queue of incremental updates.';

// About a second per persona, a little different each, and verdicts that disagree, so that the
// aggregate has a decision, a consensus below 100 % and a dissenter to show.
const script: SimScript = {
  seed: 6,
  personas: [
    { name: 'judge', latency: { type: 'normal', meanMs: 950, stdDevMs: 80 } },
    { name: 'critic', latency: { type: 'normal', meanMs: 1050, stdDevMs: 80 } },
    { name: 'skeptic', latency: { type: 'normal', meanMs: 1000, stdDevMs: 80 } },
  ],
  rules: [
    {
      match: { system: 'acting as a judge' },
      respond: {
        json: {
          verdict: 'revise',
          confidence: 0.7,
          summary: 'Worth doing, but the cut-over needs a plan.',
          reasons: ['fresher search results', 'no more 40-minute nightly rebuild'],
          risks: ['index drift if an update is lost'],
        },
      },
    },
    {
      match: { system: 'demanding critic' },
      respond: {
        json: {
          verdict: 'revise',
          confidence: 0.8,
          summary: 'The proposal says nothing about retries, ordering or a full rebuild fallback.',
          reasons: ['no dead-letter queue', 'no backfill path'],
          risks: ['updates applied out of order'],
        },
      },
    },
    {
      match: { system: 'You are a skeptic' },
      respond: {
        json: {
          verdict: 'reject',
          confidence: 0.65,
          summary: 'Nobody has measured that the nightly rebuild is a problem.',
          reasons: ['no evidence that stale results hurt users', 'a queue is new infrastructure to run'],
          risks: ['complexity for no measured gain'],
        },
      },
    },
  ],
};

async function oracle(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ ms: number; stdout: string; stderr: string }> {
  const start = performance.now();
  const { stdout, stderr } = await run(process.execPath, [ORACLE_BIN, ...args], { env, cwd });
  return { ms: performance.now() - start, stdout, stderr };
}

/** `oracle --batch` against an in-process llm-sim: the same three personas one after another, then at once. */
export const oracleSection: DemoSection = {
  title: `oracle --batch ${PERSONAS.join(',')}: three reviewers of about 1 s each (llm-sim)`,
  run: async ({ out, c }) => {
    const sim = await startLlmSim({ script });
    // An empty working directory: no .claude/personas or .claude/whitebox.json of this repository.
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'whitebox-demo-oracle-'));
    try {
      const env = {
        ...process.env,
        OPENAI_BASE_URL: sim.baseURL,
        OPENAI_API_KEY: 'sk-demo',
        WHITEBOX_MODEL: 'gpt-4o-mini',
        NO_COLOR: '1',
      };
      const batch = ['--batch', PERSONAS.join(','), PROPOSAL];

      const sequential = await oracle([...batch, '--concurrency', '1', '--quiet'], env, cwd);
      const sequentialPeak = sim.log().highWaterMark;
      sim.reset();
      const parallel = await oracle(batch, env, cwd);
      const parallelPeak = sim.log().highWaterMark;

      const speedup = `${(sequential.ms / parallel.ms).toFixed(1)}× faster`;
      out(`  one after another (--concurrency 1) ${formatMs(sequential.ms).padStart(9)}   ${c.dim(`at most ${sequentialPeak} request in flight`)}`);
      out(`  oracle --batch (all at once)        ${formatMs(parallel.ms).padStart(9)}   ${c.green(speedup)} ${c.dim(`(${parallelPeak} in flight)`)}`);
      out(c.dim('  (wall time of the bundled CLI, Node start-up included)'));
      out();
      for (const line of parallel.stderr.trim().split('\n')) out(c.dim(`  ${line.trim()}`));
      out();
      // The head of the report: decision, verdict table, score and dissent; the per-persona details follow in the real output.
      const markdown = parallel.stdout.split('\n');
      const details = markdown.findIndex((line) => line.startsWith('## ') && line !== '## Dissent');
      for (const line of markdown.slice(0, details === -1 ? 14 : details).filter((line, i, all) => line !== '' || all[i - 1] !== '')) {
        out(`  ${line}`);
      }
      // The footer: tokens, cost and oracle's own time, without Node's start-up.
      out(c.dim(`  … ${markdown.findLast((line) => line.trim() !== '') ?? ''}`));
    } finally {
      await sim.close();
      await rm(cwd, { recursive: true, force: true });
    }
  },
};
