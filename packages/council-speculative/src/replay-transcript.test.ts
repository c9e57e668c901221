import { describe, expect, it } from 'vitest';
import type { LlmClient, ProviderConfig, StructuredRequest, StructuredResult } from '@whitebox/core';
import { CouncilTranscriptSchema } from './council-transcript.js';
import type { CouncilTranscript } from './council-transcript.js';
import { deliberate } from './deliberate.js';
import { replayTranscript } from './replay-transcript.js';

type Kind = 'approve' | 'revise' | 'reject';
type Answers = Record<string, readonly (readonly [Kind, number])[]>;

/**
 * An in-memory client: replay is pure logic over a transcript, so these transcripts come from a
 * scripted client rather than HTTP (deliberate.test.ts covers the real path).
 */
function scriptedClient(answers: Answers, rulings: readonly ({ verdict: Kind; converged: boolean } | 'fail')[]): LlmClient {
  const provider = { baseURL: 'http://fake/v1', apiKey: undefined, model: 'gpt-4o-mini', prices: {}, retry: {} } as unknown as ProviderConfig;
  const structured = async <T,>(request: StructuredRequest<T>): Promise<StructuredResult<T>> => {
    const system = request.messages[0]?.content ?? '';
    const user = request.messages.at(-1)?.content ?? '';
    const round = Number(/(?:Council round|Arbiter, round) (\d+)/.exec(user)?.[1] ?? 1);
    let value: unknown;
    if (system.includes('arbiter of a review council')) {
      const ruling = rulings[Math.min(round, rulings.length) - 1];
      if (ruling === 'fail' || ruling === undefined) throw new Error('arbiter down');
      value = { synthesis: `round ${round}`, converged: ruling.converged, confidence: 0.7, open_questions: [], verdict: ruling.verdict };
    } else {
      const name = Object.keys(answers).find((persona) => new RegExp(`\\b${persona}\\b`).test(system)) ?? '';
      const list = answers[name] ?? [];
      const [verdict, confidence] = list[Math.min(round, list.length) - 1] ?? ['revise', 0.5];
      value = { verdict, confidence, summary: `${verdict}`, reasons: [], risks: [] };
    }
    const usage = { promptTokens: 100, completionTokens: 20, totalTokens: 120, estimated: false };
    return { value: value as T, content: JSON.stringify(value), model: 'gpt-4o-mini', finishReason: 'stop', usage, costUsd: 0.0001, rateLimit: undefined, attempts: 1, durationMs: 1, requestId: undefined, calls: 1 };
  };
  return { provider, chat: () => Promise.reject(new Error('unused')), structured };
}

const moving: Answers = {
  judge: [['revise', 0.7], ['revise', 0.72]],
  critic: [['reject', 0.6], ['reject', 0.62]],
  skeptic: [['approve', 0.8], ['approve', 0.8]],
};

async function transcriptOf(answers: Answers, rulings: Parameters<typeof scriptedClient>[1], maxRounds = 3): Promise<CouncilTranscript> {
  const transcript = await deliberate('Ship it', { client: scriptedClient(answers, rulings), maxRounds });
  // What `council replay` reads: the JSON, parsed back through the schema.
  return CouncilTranscriptSchema.parse(JSON.parse(JSON.stringify(transcript)));
}

describe(replayTranscript, () => {
  it('reproduces the verdict, the convergence and the stop reason of a recorded council', async () => {
    const transcript = await transcriptOf(moving, [{ verdict: 'revise', converged: false }, { verdict: 'revise', converged: true }]);
    const replay = replayTranscript(transcript);
    expect(replay).toMatchObject({ reproduced: true, mismatches: [], stopReason: 'converged' });
    expect(replay.final).toEqual(transcript.final);
    expect(replay.rounds.map((round) => [round.round, round.converged, round.verdict])).toEqual([
      [1, false, 'revise'],
      [2, true, 'revise'],
    ]);
  });

  it('reports a persona verdict that no longer adds up', async () => {
    const transcript = await transcriptOf(moving, [{ verdict: 'revise', converged: false }, { verdict: 'revise', converged: true }]);
    const round = transcript.rounds[1];
    if (round?.personas[0]?.status !== 'answered') throw new Error('fixture');
    round.personas[0].verdict.verdict = 'approve';
    const replay = replayTranscript(transcript);
    expect(replay.reproduced).toBe(false);
    expect(replay.mismatches.some((line) => line.startsWith('round 2: aggregate differs'))).toBe(true);
    expect(replay.mismatches.some((line) => line.startsWith('round 2: convergence: transcript converged'))).toBe(true);
    expect(replay.stopReason).toBeNull();
    expect(replay.mismatches).toContain('stop reason: transcript converged, replay none (the council would have gone on)');
    expect(replay.rounds[1]?.converged).toBe(false);
  });

  it('reports a transcript that went on after convergence', async () => {
    const transcript = await transcriptOf(moving, [{ verdict: 'revise', converged: false }, { verdict: 'revise', converged: true }]);
    for (const persona of transcript.rounds[0]?.personas ?? []) if (persona.status === 'answered') persona.verdict.verdict = 'revise';
    const first = transcript.rounds[0];
    if (first?.synthesis == null) throw new Error('fixture');
    first.synthesis.converged = true;
    const replay = replayTranscript(transcript);
    expect(replay.mismatches).toContain('round 1: the council should have stopped here (converged), but the transcript goes on');
  });

  it('replays with the recorded ε, so a changed ε changes the outcome', async () => {
    const transcript = await transcriptOf(moving, [{ verdict: 'revise', converged: false }, { verdict: 'revise', converged: true }]);
    const replay = replayTranscript({ ...transcript, settings: { ...transcript.settings, epsilon: 0.01 } });
    expect(replay.reproduced).toBe(false);
    expect(replay.rounds[1]?.converged).toBe(false);
  });

  it('recomputes the majority vote that stood in for a failed arbiter', async () => {
    const transcript = await transcriptOf(moving, ['fail'], 1);
    expect(transcript.rounds[0]?.synthesisSource).toBe('majority-vote');
    expect(replayTranscript(transcript).reproduced).toBe(true);
    const first = transcript.rounds[0];
    if (first?.synthesis == null) throw new Error('fixture');
    first.synthesis.verdict = 'reject';
    expect(replayTranscript(transcript).mismatches[0]).toMatch(/^round 1: majority vote: transcript reject \(converged false\), replay approve/);
  });

  it('takes budget and deadline stops as recorded, but not an unexplained one', async () => {
    const transcript = await transcriptOf(moving, [{ verdict: 'revise', converged: false }], 3);
    const cut = { ...transcript, rounds: transcript.rounds.slice(0, 2), stopReason: 'deadline' as const };
    cut.final = replayTranscript(cut).final;
    expect(replayTranscript(cut).mismatches.filter((line) => !line.startsWith('totals') && !line.startsWith('waste'))).toEqual([]);
    const unexplained = { ...cut, stopReason: 'max-rounds' as const };
    expect(replayTranscript(unexplained).mismatches).toContain('round 2: the transcript ends here, but nothing stops the council after this round');
  });

  it('checks the token totals against the call list', async () => {
    const transcript = await transcriptOf(moving, [{ verdict: 'approve', converged: false }], 1);
    const tampered = { ...transcript, usage: { ...transcript.usage, totalTokens: 1 } };
    expect(replayTranscript(tampered).mismatches).toEqual([`totals: transcript 1 tokens, replay ${transcript.usage.totalTokens} tokens from the call list`]);
  });

  it('throws a TypeError for something that is not a transcript', () => {
    expect(() => replayTranscript(null as unknown as CouncilTranscript)).toThrow(/`transcript` to be a council transcript, got `null` \(object\)/);
  });
});
