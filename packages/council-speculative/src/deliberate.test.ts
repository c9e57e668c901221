/**
 * End-to-end: deliberate() through core's LLM client over real HTTP to llm-sim, with every
 * answer and latency scripted per persona and round. Assertions use the transcript and the sim's
 * request log, never the clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, createLlmClient, resolveProvider } from '@whitebox/core';
import type { LlmClient } from '@whitebox/core';
import { startLlmSim } from '@whitebox/llm-sim';
import type { LlmSim, ScriptRule, ScriptStep, SimLogEntry } from '@whitebox/llm-sim';
import { CouncilTranscriptSchema } from './council-transcript.js';
import type { CouncilTranscript } from './council-transcript.js';
import { deliberate, resolveQuorum } from './deliberate.js';
import type { DeliberateOptions } from './deliberate.js';
import { formatTranscriptMarkdown } from './format-transcript.js';
import { replayTranscript } from './replay-transcript.js';

const PERSONAS = ['judge', 'critic', 'skeptic'] as const;
type Name = (typeof PERSONAS)[number];
type Kind = 'approve' | 'revise' | 'reject';

/** A persona's answer in one round: a verdict, or a scripted failure. */
type Answer = readonly [Kind, number] | readonly [Kind, number, { readonly risks?: string[] }] | 'fail' | 'hang';
/** The arbiter's answer in one round. */
type Ruling = { readonly verdict: Kind; readonly converged: boolean; readonly confidence?: number; readonly open?: string[] } | 'fail';

interface Plan {
  /** Per persona, one answer per round (the last repeats). */
  readonly answers: Record<Name, readonly Answer[]>;
  /** One ruling per round (the last repeats). */
  readonly rulings: readonly (Ruling | readonly Ruling[])[];
  /** Persona latency in ms, or per persona. @default 0 */
  readonly personaMs?: number | Partial<Record<Name, number>>;
  /** Latency per persona and round, over `personaMs`. */
  readonly roundMs?: Partial<Record<Name, Record<number, number>>>;
  /** @default 0 */
  readonly arbiterMs?: number;
}

const MAX_SCRIPTED_ROUNDS = 4;

function answerStep(answer: Answer, persona: Name, round: number): ScriptStep {
  if (answer === 'fail') return { error: { status: 400, message: `${persona} is down` } };
  if (answer === 'hang') return { fault: 'hang' };
  const [verdict, confidence, extra] = answer;
  return {
    json: {
      verdict,
      confidence,
      summary: `${persona} says ${verdict} in round ${round}`,
      reasons: [`${persona} reason ${round}`],
      risks: extra?.risks ?? [`${persona} risk ${round}`],
    },
  };
}

function rulingStep(ruling: Ruling, round: number): ScriptStep {
  if (ruling === 'fail') return { error: { status: 400, message: 'arbiter is down' } };
  return {
    json: {
      synthesis: `SYNTHESIS-${round}: the council leans ${ruling.verdict}`,
      converged: ruling.converged,
      confidence: ruling.confidence ?? 0.7,
      open_questions: ruling.open ?? [],
      verdict: ruling.verdict,
    },
  };
}

const pick = <T,>(list: readonly T[], round: number): T => list[Math.min(round, list.length) - 1] as T;

/** Turns a plan into an llm-sim script: later rounds first, since the first matching rule wins. */
function councilScript(plan: Plan): { personas: { name: string; latency: number }[]; rules: ScriptRule[] } {
  const rules: ScriptRule[] = [];
  for (let round = MAX_SCRIPTED_ROUNDS; round >= 1; round--) {
    const ruling = pick(plan.rulings, round);
    const steps = Array.isArray(ruling) ? (ruling as readonly Ruling[]).map((r) => rulingStep(r, round)) : [rulingStep(ruling as Ruling, round)];
    rules.push({
      name: `arbiter-r${round}`,
      match: { system: 'arbiter of a review council', user: { regex: `^Arbiter, round ${round} of` } },
      respond: steps,
      ...(plan.arbiterMs === undefined ? {} : { latency: plan.arbiterMs }),
    });
    for (const persona of PERSONAS) {
      const ms = plan.roundMs?.[persona]?.[round];
      rules.push({
        name: `${persona}-r${round}`,
        match: round === 1 ? { system: `${persona}` } : { system: `${persona}`, user: { regex: `Council round ${round} of` } },
        respond: answerStep(pick(plan.answers[persona], round), persona, round),
        ...(ms === undefined ? {} : { latency: ms }),
      });
    }
  }
  const personaMs = (name: Name): number => (typeof plan.personaMs === 'number' ? plan.personaMs : (plan.personaMs?.[name] ?? 0));
  return {
    personas: [{ name: 'arbiter', latency: plan.arbiterMs ?? 0 }, ...PERSONAS.map((name) => ({ name, latency: personaMs(name) }))],
    rules,
  };
}

let sim: LlmSim | undefined;
let dir: string;
let bodies: { messages: { role: string; content: string }[] }[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'council-'));
  bodies = [];
});

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function council(plan: Plan): Promise<LlmClient> {
  sim = await startLlmSim({ seed: 3, script: councilScript(plan) });
  const provider = await resolveProvider({ cwd: dir, env: { OPENAI_BASE_URL: sim.baseURL, WHITEBOX_MODEL: 'gpt-4o-mini' } });
  // Keeps every request body, so tests can read the whole prompt (the sim logs 80 characters).
  const fetch: typeof globalThis.fetch = (input, init) => {
    if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body) as (typeof bodies)[number]);
    return globalThis.fetch(input, init);
  };
  return createLlmClient({ provider, fetch, retry: { maxAttempts: 1 } });
}

function run(client: LlmClient, options: Partial<DeliberateOptions> = {}): Promise<CouncilTranscript> {
  return deliberate('Replace the nightly cron job with a queue', { client, maxRounds: 3, ...options });
}

const requests = (): readonly SimLogEntry[] => sim?.log().requests ?? [];
const arbiterCalls = (): SimLogEntry[] => requests().filter((entry) => entry.persona === 'arbiter');
const personaCalls = (round: number): SimLogEntry[] => requests().filter((entry) => entry.rule?.endsWith(`-r${round}`) && entry.persona !== 'arbiter');
const userPrompts = (): string[] => bodies.map((body) => body.messages.at(-1)?.content ?? '');

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** The transcript survives JSON, matches its schema, and replay reproduces it. */
function expectReplays(transcript: CouncilTranscript): void {
  const parsed = CouncilTranscriptSchema.parse(JSON.parse(JSON.stringify(transcript)));
  const replay = replayTranscript(parsed);
  expect(replay.mismatches).toEqual([]);
  expect(replay.reproduced).toBe(true);
  expect(replay.final?.verdict).toBe(transcript.final?.verdict);
  expect(replay.stopReason).toBe(transcript.stopReason);
}

const split: Plan['answers'] = { judge: [['revise', 0.7]], critic: [['reject', 0.6]], skeptic: [['approve', 0.8]] };

describe(deliberate, () => {
  describe('convergence', () => {
    it('stops at round 1 when the arbiter converges and the verdicts are unanimous', async () => {
      const client = await council({
        answers: { judge: [['approve', 0.9]], critic: [['approve', 0.8]], skeptic: [['approve', 0.7]] },
        rulings: [{ verdict: 'approve', converged: true }],
      });
      const transcript = await run(client);

      expect(transcript.stopReason).toBe('converged');
      expect(transcript.rounds).toHaveLength(1);
      expect(transcript.rounds[0]?.convergence).toMatchObject({ arbiterConverged: true, unanimous: true, converged: true, maxConfidenceDelta: null });
      expect(transcript.final).toMatchObject({ verdict: 'approve', round: 1, source: 'arbiter' });
      expect(requests()).toHaveLength(4);
      expect(transcript.usage.totalTokens).toBe(requests().reduce((sum, entry) => sum + entry.tokens.total, 0));
      expect(transcript.costUsd).toBeGreaterThan(0);
      expect(transcript.wasted.calls).toBe(0);
      expectReplays(transcript);
    });

    it('stops at round 2 when a split council is stable (confidences moved less than ε)', async () => {
      const client = await council({
        answers: { judge: [['revise', 0.7], ['revise', 0.72]], critic: [['reject', 0.6], ['reject', 0.63]], skeptic: [['approve', 0.8], ['approve', 0.79]] },
        rulings: [{ verdict: 'revise', converged: false }, { verdict: 'revise', converged: true }],
      });
      const transcript = await run(client);

      expect(transcript.stopReason).toBe('converged');
      expect(transcript.rounds.map((round) => round.convergence?.converged)).toEqual([false, true]);
      expect(transcript.rounds[1]?.convergence).toMatchObject({ unanimous: false, stable: true, maxConfidenceDelta: 0.03 });
      expect(transcript.final).toMatchObject({ verdict: 'revise', round: 2 });
      expect(personaCalls(2)).toHaveLength(3);
      expectReplays(transcript);
    });

    it('overrules an arbiter that asserts convergence over a moving council, and stops at round 3', async () => {
      const client = await council({
        answers: {
          judge: [['revise', 0.7], ['approve', 0.6], ['approve', 0.8]],
          critic: [['reject', 0.6], ['revise', 0.5], ['approve', 0.7]],
          skeptic: [['approve', 0.8], ['approve', 0.9], ['approve', 0.9]],
        },
        rulings: [{ verdict: 'revise', converged: false }, { verdict: 'approve', converged: true }, { verdict: 'approve', converged: true }],
      });
      const transcript = await run(client);

      expect(transcript.stopReason).toBe('converged');
      expect(transcript.rounds).toHaveLength(3);
      expect(transcript.rounds[1]?.convergence).toMatchObject({ arbiterConverged: true, unanimous: false, stable: false, converged: false });
      expect(transcript.rounds[1]?.convergence?.reason).toMatch(/not measured/);
      expect(transcript.rounds[2]?.convergence).toMatchObject({ unanimous: true, converged: true });
      expect(transcript.final).toMatchObject({ verdict: 'approve', round: 3 });
      expectReplays(transcript);
    });

    it('stops at max rounds when the council never converges', async () => {
      const client = await council({ answers: split, rulings: [{ verdict: 'revise', converged: false }] });
      const transcript = await run(client, { maxRounds: 2 });

      expect(transcript.stopReason).toBe('max-rounds');
      expect(transcript.rounds).toHaveLength(2);
      expect(transcript.final).toMatchObject({ verdict: 'revise', round: 2 });
      expect(arbiterCalls()).toHaveLength(2);
      expectReplays(transcript);
    });

    it('gives round 2 the proposal, the synthesis and the persona\'s own previous answer when not speculative', async () => {
      const client = await council({ answers: split, rulings: [{ verdict: 'revise', converged: false, open: ['What is the rollback plan?'] }] });
      await run(client, { maxRounds: 2 });

      const judgeRound2 = userPrompts().find((prompt) => prompt.includes('Council round 2 of 2') && prompt.includes('judge says'));
      expect(judgeRound2).toContain('Replace the nightly cron job with a queue');
      expect(judgeRound2).toContain('SYNTHESIS-1');
      expect(judgeRound2).toContain('- What is the rollback plan?');
      expect(judgeRound2).toContain('Your answer in round 1:\nrevise (confidence 0.70): judge says revise in round 1');
      expect(judgeRound2).not.toContain('critic says');
    });
  });

  describe('stopping', () => {
    it('stops on the dollar budget, cancels the calls in flight and keeps the last complete round', async () => {
      const plan: Plan = {
        answers: split,
        rulings: [{ verdict: 'revise', converged: false }],
        // Round 2's judge answers first; its cost crosses the budget while the others are in flight.
        roundMs: { judge: { 2: 20 }, critic: { 2: 2_000 }, skeptic: { 2: 2_000 } },
      };
      const measured = await run(await council(plan), { maxRounds: 1 });
      await sim?.close();
      const roundOneCost = measured.costUsd ?? Number.NaN;

      const client = await council(plan);
      const transcript = await run(client, { budgetUsd: roundOneCost + 1e-9 });

      expect(transcript.stopReason).toBe('budget');
      expect(transcript.stopDetail).toMatch(/of the \$[\d.e-]+ budget/);
      expect(transcript.rounds).toHaveLength(2);
      expect(transcript.rounds[1]?.synthesis).toBeNull();
      expect(transcript.rounds[1]?.personas.filter((result) => result.status === 'failed').map((result) => result.status === 'failed' && result.error.code)).toEqual(['CANCELLED', 'CANCELLED']);
      expect(transcript.final).toMatchObject({ verdict: 'revise', round: 1 });
      expect(transcript.wasted.calls).toBe(2);
      await until(() => (sim?.log().cancelled.length ?? 0) === 2, 'the sim saw both disconnects');
      expectReplays(transcript);
    });

    it('stops at the deadline, cancelling requests that would never answer', async () => {
      const client = await council({
        answers: { judge: [['revise', 0.7], 'hang'], critic: [['reject', 0.6], 'hang'], skeptic: [['approve', 0.8], 'hang'] },
        rulings: [{ verdict: 'reject', converged: false }],
      });
      const transcript = await run(client, { deadlineMs: 1_500 });

      expect(transcript.stopReason).toBe('deadline');
      expect(transcript.stopDetail).toContain('1.5 s deadline');
      expect(transcript.final).toMatchObject({ verdict: 'reject', round: 1 });
      expect(transcript.rounds[1]?.quorum.met).toBe(false);
      await until(() => (sim?.log().cancelled.length ?? 0) === 3, 'the sim saw three disconnects');
      expect(sim?.log().cancelled.every((entry) => entry.fault === 'hang')).toBe(true);
      expectReplays(transcript);
    });

    it('rejects with the caller\'s reason when its signal aborts, after aborting the requests', async () => {
      const client = await council({ answers: { judge: ['hang'], critic: ['hang'], skeptic: ['hang'] }, rulings: [{ verdict: 'approve', converged: true }] });
      const controller = new AbortController();
      const reason = new AbortedError('stop now');
      const promise = run(client, { signal: controller.signal });
      await until(() => sim?.log().inFlight === 3, 'three requests are in flight');
      controller.abort(reason);

      await expect(promise).rejects.toBe(reason);
      await until(() => (sim?.log().cancelled.length ?? 0) === 3, 'the sim saw three disconnects');
    });
  });

  describe('failures', () => {
    it('reports a failed persona and goes on when the quorum is met', async () => {
      const client = await council({
        answers: { judge: [['approve', 0.9]], critic: ['fail'], skeptic: [['approve', 0.8]] },
        rulings: [{ verdict: 'approve', converged: true }],
      });
      const transcript = await run(client);

      const critic = transcript.rounds[0]?.personas.find((result) => result.persona === 'critic');
      expect(critic).toMatchObject({ status: 'failed', error: { code: 'PROVIDER', status: 400 } });
      expect(transcript.rounds[0]?.quorum).toEqual({ required: 2, answered: 2, met: true });
      expect(transcript.stopReason).toBe('converged');
      expect(transcript.final?.verdict).toBe('approve');
      expect(transcript.calls.find((call) => call.name === 'critic')).toMatchObject({ outcome: 'failed', usage: null });
      expectReplays(transcript);
    });

    it('stops with reason quorum, without asking the arbiter, when too few personas answer', async () => {
      const client = await council({
        answers: { judge: [['approve', 0.9]], critic: ['fail'], skeptic: ['fail'] },
        rulings: [{ verdict: 'approve', converged: true }],
      });
      const transcript = await run(client);

      expect(transcript.stopReason).toBe('quorum');
      expect(transcript.stopDetail).toBe('round 1: 1 of 3 personas answered; the quorum is 2');
      expect(transcript.final).toBeNull();
      expect(transcript.rounds[0]?.arbiter).toBeNull();
      expect(arbiterCalls()).toHaveLength(0);
      expectReplays(transcript);
    });

    it('accepts a lower quorum as a count or a share', async () => {
      const plan: Plan = { answers: { judge: [['approve', 0.9]], critic: ['fail'], skeptic: ['fail'] }, rulings: [{ verdict: 'approve', converged: true }] };
      const byCount = await run(await council(plan), { quorum: 1 });
      await sim?.close();
      const byShare = await run(await council(plan), { quorum: 0.3 });

      expect(byCount.stopReason).toBe('converged');
      expect(byShare.settings.quorum).toBe(1);
      expect(byShare.final?.verdict).toBe('approve');
    });

    it('retries a failed arbiter once and uses its answer', async () => {
      const client = await council({ answers: split, rulings: [['fail', { verdict: 'reject', converged: false }]] });
      const transcript = await run(client, { maxRounds: 1 });

      expect(transcript.rounds[0]?.arbiter).toMatchObject({ status: 'answered', attempts: 2 });
      expect(transcript.rounds[0]?.arbiter?.errors).toHaveLength(1);
      expect(transcript.final).toMatchObject({ verdict: 'reject', source: 'arbiter' });
      expect(arbiterCalls().map((entry) => entry.status)).toEqual([400, 200]);
    });

    it('falls back to a majority vote when the arbiter keeps failing, and says so', async () => {
      const client = await council({
        answers: { judge: [['revise', 0.9]], critic: [['revise', 0.6]], skeptic: [['approve', 0.5]] },
        rulings: ['fail'],
      });
      const transcript = await run(client, { maxRounds: 2 });

      expect(arbiterCalls()).toHaveLength(4);
      expect(transcript.rounds[0]?.arbiter).toMatchObject({ status: 'failed', attempts: 2 });
      expect(transcript.rounds[0]?.synthesisSource).toBe('majority-vote');
      expect(transcript.rounds[0]?.synthesis?.synthesis).toMatch(/^The arbiter failed 2 times .*Majority vote of 3 answers: revise/);
      expect(transcript.final).toMatchObject({ verdict: 'revise', source: 'majority-vote', round: 2 });
      expect(transcript.stopReason).toBe('max-rounds');
      expect(formatTranscriptMarkdown(transcript)).toContain('**Fallback: majority vote** (arbiter failed after 2 attempts)');
      expectReplays(transcript);
    });

    it('lets a unanimous majority vote converge when the arbiter is down', async () => {
      const client = await council({ answers: { judge: [['reject', 0.9]], critic: [['reject', 0.6]], skeptic: [['reject', 0.5]] }, rulings: ['fail'] });
      const transcript = await run(client, { arbiterRetries: 0 });

      expect(arbiterCalls()).toHaveLength(1);
      expect(transcript.stopReason).toBe('converged');
      expect(transcript.final).toMatchObject({ verdict: 'reject', source: 'majority-vote', round: 1 });
    });
  });

  describe('speculation', () => {
    // Personas slower than the arbiter, so the speculative calls are in flight when it answers.
    const slowPersonas = { personaMs: 150, arbiterMs: 30 } as const;

    it('aborts the speculative requests when the arbiter converges; the sim logs the disconnects and the waste is estimated', async () => {
      const client = await council({
        ...slowPersonas,
        answers: { judge: [['approve', 0.9]], critic: [['approve', 0.8]], skeptic: [['approve', 0.7]] },
        rulings: [{ verdict: 'approve', converged: true }],
      });
      const transcript = await run(client, { speculative: 'accept' });

      expect(transcript.stopReason).toBe('converged');
      expect(transcript.speculations).toHaveLength(1);
      expect(transcript.speculations[0]).toMatchObject({ round: 2, outcome: 'cancelled', reason: 'the arbiter converged at round 1', calls: 3 });
      const wasted = transcript.calls.filter((call) => call.wasted);
      expect(wasted.map((call) => [call.round, call.speculative, call.outcome])).toEqual([
        [2, true, 'cancelled'],
        [2, true, 'cancelled'],
        [2, true, 'cancelled'],
      ]);
      expect(transcript.wasted.calls).toBe(3);
      expect(transcript.wasted.usage.estimated).toBe(true);
      expect(transcript.wasted.usage.promptTokens).toBeGreaterThan(0);
      expect(transcript.wasted.costUsd).toBeGreaterThan(0);
      expect(transcript.speculations[0]?.wasted).toEqual(transcript.wasted);
      await until(() => (sim?.log().cancelled.length ?? 0) === 3, 'the sim saw three disconnects');
      const cancelled = sim?.log().cancelled ?? [];
      expect(cancelled.map((entry) => entry.persona).sort()).toEqual(['critic', 'judge', 'skeptic']);
      expect(cancelled.every((entry) => entry.user?.startsWith('Proposal:'))).toBe(true);
      expect(formatTranscriptMarkdown(transcript)).toMatch(/\| 2 \| .* \| cancelled \| 3 \| 3 calls, [\d,]+ \(est\.\) tokens/);
      expectReplays(transcript);
    });

    it('accept mode keeps the speculative round, never shows personas the synthesis, and reaches the same verdict', async () => {
      const plan: Plan = {
        ...slowPersonas,
        answers: { judge: [['revise', 0.7], ['approve', 0.8]], critic: [['reject', 0.6], ['approve', 0.7]], skeptic: [['approve', 0.8], ['approve', 0.9]] },
        rulings: [{ verdict: 'revise', converged: false }, { verdict: 'approve', converged: true }],
      };
      const baseline = await run(await council(plan));
      const baselinePrompts = userPrompts();
      await sim?.close();
      bodies = [];
      const transcript = await run(await council(plan), { speculative: 'accept' });

      expect(transcript.final?.verdict).toBe(baseline.final?.verdict);
      expect(transcript.rounds.map((round) => round.speculative)).toEqual([false, true]);
      expect(transcript.speculations.map((spec) => spec.outcome)).toEqual(['accepted', 'cancelled']);
      expect(transcript.speculations[0]?.wasted.calls).toBe(0);
      // The round prompts of accept mode carry the other members' answers, never the synthesis.
      const followUps = userPrompts().filter((prompt) => prompt.includes('Council round'));
      expect(followUps.length).toBeGreaterThanOrEqual(3);
      for (const prompt of followUps) {
        expect(prompt).not.toContain('SYNTHESIS-');
        expect(prompt).toContain("The other members' answers in round");
      }
      expect(baselinePrompts.filter((prompt) => prompt.includes('Council round 2') && prompt.includes('SYNTHESIS-1'))).toHaveLength(3);
      expectReplays(transcript);
    });

    it('restart mode asks again, with the synthesis, when it raised an open question no answer mentioned', async () => {
      const client = await council({
        ...slowPersonas,
        answers: { judge: [['revise', 0.7], ['revise', 0.8]], critic: [['reject', 0.6], ['revise', 0.7]], skeptic: [['approve', 0.8], ['revise', 0.6]] },
        rulings: [{ verdict: 'revise', converged: false, open: ['What is the rollback plan?'] }, { verdict: 'revise', converged: true }],
      });
      const transcript = await run(client, { speculative: 'restart' });

      expect(transcript.speculations[0]).toMatchObject({ round: 2, outcome: 'restarted', unseenOpenQuestions: ['What is the rollback plan?'], calls: 3 });
      expect(transcript.speculations[0]?.wasted.calls).toBe(3);
      expect(transcript.rounds[1]?.speculative).toBe(false);
      expect(transcript.final).toMatchObject({ verdict: 'revise', round: 2 });
      await until(() => (sim?.log().cancelled.length ?? 0) === 3, 'the sim saw the speculative calls cancelled');
      expect(personaCalls(2)).toHaveLength(6);
      expect(sim?.log().cancelled.map((entry) => entry.rule)).toEqual(expect.arrayContaining(['judge-r2', 'critic-r2', 'skeptic-r2']));
      const reasked = userPrompts().filter((prompt) => prompt.includes('Council round 2') && prompt.includes('- What is the rollback plan?'));
      expect(reasked).toHaveLength(3);
      expect(transcript.calls.filter((call) => call.round === 2 && call.role === 'persona' && !call.wasted).every((call) => !call.speculative)).toBe(true);
      expectReplays(transcript);
    });

    it('restart mode keeps the speculative round when the open questions were already in the answers', async () => {
      const client = await council({
        ...slowPersonas,
        answers: {
          judge: [['revise', 0.7, { risks: ['There is no rollback plan for the queue'] }], ['revise', 0.8]],
          critic: [['reject', 0.6], ['revise', 0.7]],
          skeptic: [['approve', 0.8], ['revise', 0.6]],
        },
        rulings: [{ verdict: 'revise', converged: false, open: ['What is the rollback plan for the queue?'] }, { verdict: 'revise', converged: true }],
      });
      const transcript = await run(client, { speculative: 'restart' });

      expect(transcript.speculations[0]).toMatchObject({ round: 2, outcome: 'kept', unseenOpenQuestions: [] });
      expect(transcript.rounds[1]?.speculative).toBe(true);
      expect(personaCalls(2)).toHaveLength(3);
      expectReplays(transcript);
    });

    it('speculates nothing after the last round', async () => {
      const client = await council({ answers: split, rulings: [{ verdict: 'revise', converged: false }] });
      const transcript = await run(client, { speculative: true, maxRounds: 1 });

      expect(transcript.settings.speculative).toBe('accept');
      expect(transcript.speculations).toEqual([]);
      expect(requests()).toHaveLength(4);
    });
  });

  describe('bad options', () => {
    it.each([
      ['an empty proposal', '', {}, /`proposal` to be a non-empty string, got `` \(string\)/],
      ['no personas', 'x', { personas: [] }, /`personas` to be a non-empty array/],
      ['an unknown persona', 'x', { personas: ['judge', 'oracle'] }, /built-in name \(judge, critic.*got `oracle` \(string\)/],
      ['a duplicate persona', 'x', { personas: ['judge', 'judge'] }, /unique, got "judge" twice/],
      ['zero rounds', 'x', { maxRounds: 0 }, /`maxRounds` to be a whole number from 1, got `0` \(number\)/],
      ['an unknown mode', 'x', { speculative: 'maybe' }, /`speculative` to be a boolean or one of off, accept, restart, got `maybe` \(string\)/],
      ['a quorum above the council', 'x', { quorum: 4 }, /`quorum` to be a whole number from 1 to 3/],
      ['a fractional quorum above 1', 'x', { quorum: 1.5 }, /`quorum` to be a whole number from 1 to 3/],
      ['ε above 1', 'x', { epsilon: 2 }, /`epsilon` to be a number from 0 to 1, got `2`/],
      ['a negative budget', 'x', { budgetUsd: -1 }, /`budgetUsd` to be a positive number, got `-1` \(number\)/],
      ['a fractional token budget', 'x', { budgetTokens: 1.5 }, /`budgetTokens` to be a positive integer/],
      ['a string deadline', 'x', { deadlineMs: '2m' }, /`deadlineMs` to be a positive number, got `2m` \(string\)/],
      ['negative arbiter retries', 'x', { arbiterRetries: -1 }, /`arbiterRetries` to be a whole number from 0/],
      ['a fake signal', 'x', { signal: {} }, /`signal` to be an AbortSignal/],
    ])('throws a TypeError for %s', async (_, proposal, options, message) => {
      const client = await council({ answers: split, rulings: [{ verdict: 'revise', converged: false }] });
      await expect(deliberate(proposal, { client, ...(options as object) })).rejects.toThrow(message);
      await expect(deliberate(proposal, { client, ...(options as object) })).rejects.toBeInstanceOf(TypeError);
      expect(requests()).toHaveLength(0);
    });

    it('throws a TypeError without a client', async () => {
      await expect(deliberate('x', {} as DeliberateOptions)).rejects.toThrow(/`options.client` to be an LlmClient, got `undefined`/);
    });

    it('rejects at once with the reason of an already aborted signal', async () => {
      const client = await council({ answers: split, rulings: [{ verdict: 'revise', converged: false }] });
      const reason = new AbortedError('too late');
      await expect(run(client, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(requests()).toHaveLength(0);
    });
  });
});

describe(resolveQuorum, () => {
  it('defaults to a majority', () => {
    expect([1, 2, 3, 4, 5].map((count) => resolveQuorum(undefined, count))).toEqual([1, 2, 2, 3, 3]);
  });

  it('takes a count as is and rounds a share up', () => {
    expect(resolveQuorum(2, 3)).toBe(2);
    expect(resolveQuorum(0.5, 4)).toBe(2);
    expect(resolveQuorum(0.5, 3)).toBe(2);
    expect(resolveQuorum(0.01, 3)).toBe(1);
  });

  it('rejects zero, NaN and counts above the council', () => {
    expect(() => resolveQuorum(0, 3)).toThrow(TypeError);
    expect(() => resolveQuorum(Number.NaN, 3)).toThrow(TypeError);
    expect(() => resolveQuorum(4, 3)).toThrow('from 1 to 3');
  });
});
