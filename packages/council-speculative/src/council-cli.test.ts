/**
 * End-to-end: the bundled `bin/council.js` in a child process, against a real llm-sim over HTTP.
 * Nx builds the bundle first (`test` depends on `build-cli`); a bare `vitest run` builds it if missing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLlmSim } from '@whitebox/llm-sim';
import type { LlmSim, ScriptRule, ScriptStep } from '@whitebox/llm-sim';
import { CouncilTranscriptSchema } from './council-transcript.js';
import type { CouncilTranscript } from './council-transcript.js';
import { normaliseSpeculativeFlag } from './create-cli.js';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(PACKAGE_ROOT, 'bin', 'council.js');
const NAMES = ['judge', 'critic', 'skeptic'] as const;

type Kind = 'approve' | 'revise' | 'reject';
type Answer = Kind | 'fail' | 'hang';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cwd: string;
let sim: LlmSim | undefined;

beforeAll(() => {
  if (!existsSync(BIN)) execFileSync('npx', ['tsx', '../../tools/esbuild/build-cli.ts'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
});

beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'council-e2e-'));
});

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(cwd, { recursive: true, force: true });
});

const personaStep = (answer: Answer, round: number): ScriptStep =>
  answer === 'fail'
    ? { error: { status: 400 } }
    : answer === 'hang'
      ? { fault: 'hang' }
      : { json: { verdict: answer, confidence: 0.8, summary: `${answer} in round ${round}`, reasons: ['because'], risks: ['none'] } };

/**
 * Starts llm-sim with a council scripted per round: `rounds[r]` gives each persona's answer and
 * the arbiter's ruling in round r + 1 (the last entry repeats).
 */
async function startCouncilSim(
  rounds: readonly { readonly answers: Record<(typeof NAMES)[number], Answer>; readonly arbiter: { verdict: Kind; converged: boolean } | 'fail' }[],
  latency: { personaMs?: number; arbiterMs?: number } = {},
): Promise<LlmSim> {
  const rules: ScriptRule[] = [];
  for (let round = 4; round >= 1; round--) {
    const plan = rounds[Math.min(round, rounds.length) - 1];
    if (plan === undefined) throw new Error('no rounds');
    const arbiter = plan.arbiter;
    rules.push({
      name: `arbiter-r${round}`,
      match: { system: 'arbiter', user: { regex: `^Arbiter, round ${round} ` } },
      respond:
        arbiter === 'fail'
          ? { error: { status: 400 } }
          : { json: { synthesis: `SYNTHESIS-${round}`, converged: arbiter.converged, confidence: 0.75, open_questions: [], verdict: arbiter.verdict } },
    });
    for (const name of NAMES) {
      rules.push({
        name: `${name}-r${round}`,
        match: round === 1 ? { system: name } : { system: name, user: { regex: `Council round ${round} of` } },
        respond: personaStep(plan.answers[name], round),
      });
    }
  }
  sim = await startLlmSim({
    seed: 5,
    script: {
      personas: [{ name: 'arbiter', latency: latency.arbiterMs ?? 0 }, ...NAMES.map((name) => ({ name, latency: latency.personaMs ?? 0 }))],
      rules,
    },
  });
  return sim;
}

function council(args: readonly string[], options: { readonly onSpawn?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  // A clean environment: nothing from the developer's shell (keys, base URLs) may leak in.
  const env = { PATH: process.env['PATH'] ?? '', HOME: cwd, NO_COLOR: '1', OPENAI_BASE_URL: sim?.baseURL ?? '', WHITEBOX_MODEL: 'gpt-4o-mini' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
    options.onSpawn?.(child);
  });
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const transcriptOf = (run: Run): CouncilTranscript => CouncilTranscriptSchema.parse(JSON.parse(run.stdout));

const splitThenAgree = [
  { answers: { judge: 'revise', critic: 'reject', skeptic: 'approve' }, arbiter: { verdict: 'revise', converged: false } },
  { answers: { judge: 'approve', critic: 'approve', skeptic: 'approve' }, arbiter: { verdict: 'approve', converged: true } },
] as const;

describe('council (bundled CLI against llm-sim)', () => {
  it('deliberates over two rounds and prints a Markdown transcript, with progress on stderr', async () => {
    await startCouncilSim(splitThenAgree);
    const run = await council(['Replace the nightly cron job with a queue']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Council: approve \(round 2 of 3, converged\)\n/);
    expect(run.stdout).toContain('**Proposal:** Replace the nightly cron job with a queue');
    expect(run.stdout).toContain('- **Stopped:** converged: round 2: converged: the arbiter said so and verdicts unanimous');
    expect(run.stdout).toMatch(/^## Round 1$/m);
    expect(run.stdout).toMatch(/^\| judge \| revise \| 0\.80 \| [\d.]+ s \| \d+ \| revise in round 1 \|$/m);
    expect(run.stdout).toMatch(/^Arbiter \(gpt-4o-mini, [\d.]+ s\): \*\*revise\*\*, confidence 0\.75, says not converged$/m);
    expect(run.stdout).toMatch(/^## Calls$/m);
    expect(run.stderr).toContain('council: judge, critic, skeptic · up to 3 rounds · not speculative');
    expect(run.stderr).toMatch(/council: approve at round 2 in [\d.]+ s, \d+ tokens\n$/);
    expect(sim?.log().requests).toHaveLength(8);
  });

  it('speculates with a bare --speculative, cancels the speculative requests on convergence, and replay reproduces the JSON transcript', async () => {
    await startCouncilSim(splitThenAgree, { personaMs: 150, arbiterMs: 30 });
    const run = await council(['--speculative', 'Replace the nightly cron job with a queue', '--json', '--out', 'transcript.json']);

    expect(run.code).toBe(0);
    const transcript = transcriptOf(run);
    expect(transcript.proposal).toBe('Replace the nightly cron job with a queue');
    expect(transcript.settings.speculative).toBe('accept');
    expect(transcript.speculations.map((spec) => [spec.round, spec.outcome])).toEqual([
      [2, 'accepted'],
      [3, 'cancelled'],
    ]);
    expect(transcript.wasted.calls).toBe(3);
    expect(transcript.wasted.usage.estimated).toBe(true);
    await until(() => sim?.log().cancelled.length === 3, 'the sim logged three cancelled requests');
    expect(JSON.parse(await readFile(path.join(cwd, 'transcript.json'), 'utf8'))).toEqual(JSON.parse(run.stdout));

    const replay = await council(['replay', 'transcript.json']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(
      [
        'round 1: vote reject, quorum met, verdict revise, not converged',
        'round 2: vote approve, quorum met, verdict approve, converged',
        'reproduced: approve at round 2, stopped: converged',
        '',
      ].join('\n'),
    );
  });

  it('writes a Markdown transcript for an --out ending in .md, in restart mode', async () => {
    await startCouncilSim(splitThenAgree);
    const run = await council(['--speculative', 'restart', '--out', 'council.md', '--quiet', 'Adopt pnpm catalogs']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const markdown = await readFile(path.join(cwd, 'council.md'), 'utf8');
    expect(markdown).toBe(run.stdout);
    expect(markdown).toContain('speculative (restart)');
    expect(markdown).toMatch(/^## Round 2 — speculative, kept$/m);
  });

  it('reports a failed arbiter and the majority vote that stood in', async () => {
    await startCouncilSim([{ answers: { judge: 'reject', critic: 'reject', skeptic: 'revise' }, arbiter: 'fail' }]);
    const run = await council(['--max-rounds', '1', 'Ship it']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Council: reject \(round 1 of 1, max-rounds\)/);
    expect(run.stdout).toContain('**Fallback: majority vote** (arbiter failed after 2 attempts)');
    expect(run.stderr).toContain('↻ arbiter of round 1 failed');
    expect(run.stderr).toContain('majority vote (arbiter failed): reject');
  });

  it('exits 1 with no verdict when round 1 misses its quorum', async () => {
    await startCouncilSim([{ answers: { judge: 'approve', critic: 'fail', skeptic: 'fail' }, arbiter: { verdict: 'approve', converged: true } }]);
    const run = await council(['Ship it']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^# Council: no verdict \(quorum\)/);
    expect(run.stdout).toContain('quorum 1/2 **not met**');
    expect(run.stderr).toMatch(/✗ critic: PROVIDER: /);
    expect(run.stderr).toMatch(/council: no verdict after [\d.]+ s \(quorum\)/);
  });

  it('goes on with --quorum 1 when two personas fail', async () => {
    await startCouncilSim([{ answers: { judge: 'approve', critic: 'fail', skeptic: 'fail' }, arbiter: { verdict: 'approve', converged: true } }]);
    const run = await council(['--quorum', '1', '--json', 'Ship it']);

    expect(run.code).toBe(0);
    expect(transcriptOf(run)).toMatchObject({ stopReason: 'converged', final: { verdict: 'approve' } });
  });

  it('stops on --budget-tokens, cancelling the calls in flight', async () => {
    await startCouncilSim([{ answers: { judge: 'approve', critic: 'approve', skeptic: 'approve' }, arbiter: { verdict: 'approve', converged: true } }]);
    const run = await council(['--budget-tokens', '1', '--json', 'Ship it']);

    const transcript = transcriptOf(run);
    expect(transcript.stopReason).toBe('budget');
    expect(transcript.stopDetail).toMatch(/^spent \d+ tokens of the 1-token budget, during round 1$/);
    expect(run.code).toBe(transcript.final === null ? 1 : 0);
  });

  it('warns that --budget-usd cannot count a model without a price', async () => {
    await startCouncilSim(splitThenAgree);
    const run = await council(['--model', 'llama3.2', '--budget-usd', '1', '--max-rounds', '1', 'Ship it']);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('council: no price for llama3.2: their calls count as $0 against --budget-usd');
    expect(run.stdout).toContain('$?');
  });

  it('stops at --deadline and keeps the verdict of the last complete round', async () => {
    await startCouncilSim([
      { answers: { judge: 'revise', critic: 'reject', skeptic: 'revise' }, arbiter: { verdict: 'revise', converged: false } },
      { answers: { judge: 'hang', critic: 'hang', skeptic: 'hang' }, arbiter: { verdict: 'revise', converged: false } },
    ]);
    const run = await council(['--deadline', '1.5s', 'Ship it']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Council: revise \(round 1 of 3, deadline\)/);
    expect(run.stdout).toContain('- **Stopped:** deadline: the 1.5 s deadline passed');
    await until(() => sim?.log().cancelled.length === 3, 'the sim logged three cancelled requests');
  });

  it('exits 130 on Ctrl-C after aborting the requests in flight', async () => {
    await startCouncilSim([{ answers: { judge: 'hang', critic: 'hang', skeptic: 'hang' }, arbiter: { verdict: 'approve', converged: true } }]);
    const run = await council(['Ship it'], {
      onSpawn: (child) => {
        void until(() => sim?.log().inFlight === 3, 'three requests in flight').then(() => child.kill('SIGINT'));
      },
    });

    expect(run.code).toBe(130);
    expect(run.stderr).toContain('interrupted: Interrupted (SIGINT)');
    await until(() => sim?.log().cancelled.length === 3, 'the sim logged three cancelled requests');
  });

  it.each([
    [['--max-rounds', '0', 'x'], '--max-rounds must be a whole number from 1, got 0'],
    [['--quorum', '4', 'x'], '--quorum must be a whole number from 1 to 3 or a share between 0 and 1, got 4'],
    [['--speculative=maybe', 'x'], 'Invalid values:'],
    [['--deadline', 'soon', 'x'], '--deadline must be a positive duration such as 30s, 500ms or 2m, got "soon"'],
    [['--budget-usd', '-1', 'x'], '--budget-usd must be a positive number, got -1'],
    [['--epsilon', '2', 'x'], '--epsilon must be a number from 0 to 1, got 2'],
    [['--personas', 'judge,oracle', 'x'], 'unknown persona "oracle"'],
    [[], 'no proposal: pass it as an argument, with --file, or "-" for stdin'],
  ])('exits 2 for %j', async (args, message) => {
    await startCouncilSim(splitThenAgree);
    const run = await council(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(sim?.log().requests).toHaveLength(0);
  });

  describe('replay', () => {
    it('exits 1 and lists the differences for a tampered transcript', async () => {
      await startCouncilSim(splitThenAgree);
      const run = await council(['--json', 'Ship it']);
      const transcript = JSON.parse(run.stdout) as CouncilTranscript;
      const last = transcript.rounds[1]?.personas[0];
      if (last?.status !== 'answered') throw new Error('fixture');
      last.verdict.verdict = 'reject';
      await writeFile(path.join(cwd, 'tampered.json'), JSON.stringify(transcript));

      const replay = await council(['replay', 'tampered.json']);
      expect(replay.code).toBe(1);
      expect(replay.stdout).toContain('NOT reproduced: approve at round 2, stopped: nothing (the council would have gone on)');
      expect(replay.stdout).toMatch(/^ {2}- round 2: aggregate differs/m);
    });

    it('exits 1 for a file that is not a transcript, naming the missing fields', async () => {
      await writeFile(path.join(cwd, 'other.json'), '{"schemaVersion": 1}');
      const run = await council(['replay', 'other.json']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('other.json: not a council transcript: proposal: expected string, received nothing');
    });

    it('exits 2 for a missing file', async () => {
      const run = await council(['replay', 'missing.json']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('missing.json: cannot read it (ENOENT)');
    });
  });
});

describe(normaliseSpeculativeFlag, () => {
  it('gives a bare --speculative the value accept, without taking the proposal as its value', () => {
    expect(normaliseSpeculativeFlag(['--speculative', 'Ship it'])).toEqual(['--speculative=accept', 'Ship it']);
    expect(normaliseSpeculativeFlag(['Ship it', '--speculative'])).toEqual(['Ship it', '--speculative=accept']);
  });

  it('joins a following mode name, and maps --no-speculative to off', () => {
    expect(normaliseSpeculativeFlag(['--speculative', 'restart', 'x'])).toEqual(['--speculative=restart', 'x']);
    expect(normaliseSpeculativeFlag(['--speculative=restart', 'x'])).toEqual(['--speculative=restart', 'x']);
    expect(normaliseSpeculativeFlag(['--no-speculative', 'x'])).toEqual(['--speculative=off', 'x']);
  });

  it('leaves everything after -- alone', () => {
    expect(normaliseSpeculativeFlag(['--', '--speculative'])).toEqual(['--', '--speculative']);
  });
});
