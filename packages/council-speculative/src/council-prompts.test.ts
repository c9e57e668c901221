import { describe, expect, it } from 'vitest';
import type { PersonaResult } from '@whitebox/oracle-batch';
import { ARBITER_SYSTEM_PROMPT, buildArbiterMessages, buildFollowUpProposal, memberLabel } from './council-prompts.js';

function answered(persona: string, verdict: 'approve' | 'revise' | 'reject', confidence: number): PersonaResult {
  return {
    persona,
    model: 'm',
    status: 'answered',
    verdict: { verdict, confidence, summary: `${persona} summary`, reasons: [`${persona} reason`], risks: [`${persona} risk`] },
    cached: false,
    calls: 1,
    attempts: 1,
    durationMs: 1,
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, estimated: false },
    costUsd: 0,
  };
}

const previous: PersonaResult[] = [
  answered('judge', 'revise', 0.7),
  { persona: 'critic', model: 'm', status: 'failed', error: { code: 'PROVIDER', message: 'down', status: 500 }, attempts: 1, durationMs: 1 },
  answered('skeptic', 'approve', 0.8),
];
const synthesis = { synthesis: 'THE SYNTHESIS', converged: false, confidence: 0.6, open_questions: ['Who is on call?'], verdict: 'revise' as const };

describe(buildFollowUpProposal, () => {
  it('without a synthesis, gives the other members\' raw answers anonymised and the persona\'s own answer', () => {
    const text = buildFollowUpProposal({ proposal: 'Ship it', round: 2, maxRounds: 3, persona: 'judge', previous });
    expect(text.startsWith('Ship it\n\n---\nCouncil round 2 of 3.')).toBe(true);
    expect(text).toContain('Member B: no answer (the call failed)');
    expect(text).toContain('Member C: approve (confidence 0.80): skeptic summary\n  Reasons: skeptic reason\n  Risks: skeptic risk');
    expect(text).not.toContain('Member A:');
    expect(text).not.toMatch(/critic|skeptic:|judge:/);
    expect(text.endsWith('Your answer in round 1:\nrevise (confidence 0.70): judge summary\n  Reasons: judge reason\n  Risks: judge risk')).toBe(true);
    expect(text).not.toContain('THE SYNTHESIS');
  });

  it('with a synthesis, gives it and its open questions instead of the other answers', () => {
    const text = buildFollowUpProposal({ proposal: 'Ship it', round: 2, maxRounds: 3, persona: 'skeptic', previous, synthesis });
    expect(text).toContain("Arbiter's synthesis of round 1 (verdict revise, confidence 0.60):\nTHE SYNTHESIS");
    expect(text).toContain('Open questions:\n- Who is on call?');
    expect(text).not.toContain('Member A');
    expect(text).toContain('Your answer in round 1:\napprove (confidence 0.80)');
  });

  it('tells a persona that failed last round so', () => {
    expect(buildFollowUpProposal({ proposal: 'Ship it', round: 3, maxRounds: 3, persona: 'critic', previous })).toContain('You did not answer in round 2.');
  });

  it('is the same text whenever it is built, so a speculative call asks exactly what a later one would', () => {
    const input = { proposal: 'Ship it', round: 2, maxRounds: 3, persona: 'judge', previous };
    expect(buildFollowUpProposal(input)).toBe(buildFollowUpProposal({ ...input, previous: structuredClone(previous) }));
  });
});

describe(buildArbiterMessages, () => {
  it('anonymises the answers and includes the previous synthesis', () => {
    const [system, user] = buildArbiterMessages({ proposal: 'Ship it', round: 2, maxRounds: 3, results: previous, previousSynthesis: synthesis });
    expect(system).toEqual({ role: 'system', content: ARBITER_SYSTEM_PROMPT });
    expect(user?.content.startsWith('Arbiter, round 2 of 3.\n\nProposal:\nShip it\n\nAnswers in round 2 (2 of 3 reviewers answered):\nMember A: revise')).toBe(true);
    expect(user?.content).not.toMatch(/\b(judge|critic|skeptic)\s*:/);
    expect(user?.content).toContain('Your synthesis of round 1 (verdict revise, confidence 0.60):\nTHE SYNTHESIS');
  });

  it('names no built-in persona in the arbiter prompt, so logs and simulators can tell the arbiter apart', () => {
    expect(ARBITER_SYSTEM_PROMPT).not.toMatch(/\b(judge|critic|skeptic|security|pragmatist|maintainer|user-advocate)\b/i);
  });
});

describe(memberLabel, () => {
  it('labels A to Z, then wraps with a number', () => {
    expect([0, 1, 25, 26, 27].map(memberLabel)).toEqual(['Member A', 'Member B', 'Member Z', 'Member A1', 'Member B1']);
  });
});
