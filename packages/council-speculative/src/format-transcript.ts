import type { LlmUsage } from '@whitebox/core';
import type { CouncilRound, CouncilTranscript, Waste } from './council-transcript.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function firstLine(text: string, max = 120): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function dollars(costUsd: number | null): string {
  return costUsd === null ? '$?' : `$${costUsd.toFixed(6)}`;
}

function tokens(usage: LlmUsage | null): string {
  if (usage === null) return '–';
  return `${usage.totalTokens.toLocaleString('en-US')}${usage.estimated ? ' (est.)' : ''}`;
}

function waste(w: Waste): string {
  if (w.calls === 0) return 'nothing';
  return `${w.calls} call${w.calls === 1 ? '' : 's'}, ${tokens(w.usage)} tokens, ${dollars(w.costUsd)}`;
}

const MODE_TEXT = {
  off: 'not speculative',
  accept: 'speculative (accept)',
  restart: 'speculative (restart)',
} as const;

function roundSection(round: CouncilRound, transcript: CouncilTranscript): string[] {
  const out: string[] = [];
  const spec = transcript.speculations.find((s) => s.round === round.round && (s.outcome === 'accepted' || s.outcome === 'kept'));
  const origin = round.speculative ? ` — speculative, ${spec?.outcome ?? 'accepted'}` : '';
  out.push(`## Round ${round.round}${origin}`, '');
  out.push(
    `Personas ${seconds(round.startedAtMs)} → ${seconds(round.personasDoneAtMs)}, arbiter → ${seconds(round.endedAtMs)} · ${tokens(round.usage)} tokens · ${dollars(round.costUsd)}`,
    '',
  );
  out.push('| Persona | Verdict | Confidence | Time | Tokens | Summary |', '|---|---|---|---|---|---|');
  for (const result of round.personas) {
    if (result.status === 'answered') {
      out.push(
        `| ${result.persona} | ${result.verdict.verdict} | ${result.verdict.confidence.toFixed(2)} | ${seconds(result.durationMs)} | ${tokens(result.usage)} | ${cell(firstLine(result.verdict.summary))} |`,
      );
    } else {
      out.push(`| ${result.persona} | **${result.error.code === 'CANCELLED' ? 'cancelled' : 'failed'}** | – | ${seconds(result.durationMs)} | – | ${cell(`${result.error.code}: ${firstLine(result.error.message)}`)} |`);
    }
  }
  const { tally } = round.aggregate;
  out.push(
    '',
    `Vote: ${round.aggregate.decision ?? 'none'} (approve ${tally.approve}, revise ${tally.revise}, reject ${tally.reject}) · quorum ${round.quorum.answered}/${round.quorum.required} ${round.quorum.met ? 'met' : '**not met**'}`,
  );
  if (round.arbiter !== null && round.synthesis !== null) {
    const arbiter = round.arbiter;
    const how =
      arbiter.status === 'answered'
        ? `Arbiter (${arbiter.model}, ${seconds(arbiter.durationMs)}${arbiter.attempts > 1 ? `, ${arbiter.attempts} attempts` : ''})`
        : `**Fallback: majority vote** (arbiter ${arbiter.status}${arbiter.attempts > 0 ? ` after ${arbiter.attempts} attempt${arbiter.attempts === 1 ? '' : 's'}` : ''})`;
    out.push('', `${how}: **${round.synthesis.verdict}**, confidence ${round.synthesis.confidence.toFixed(2)}, ${round.synthesis.converged ? 'says converged' : 'says not converged'}`);
    for (const error of arbiter.errors) out.push(`- arbiter error: ${firstLine(error, 200)}`);
    out.push('', `> ${cell(round.synthesis.synthesis)}`);
    if (round.synthesis.open_questions.length > 0) {
      out.push('', 'Open questions:', ...round.synthesis.open_questions.map((question) => `- ${question}`));
    }
  }
  if (round.convergence !== null) out.push('', `Convergence: ${round.convergence.reason}`);
  return out;
}

/**
 * Renders a transcript as Markdown: the verdict and why the council stopped, then each round
 * (who answered, timings, the vote, the synthesis, convergence), what was speculative and what
 * became of it, and tokens and dollars, wasted ones apart.
 */
export function formatTranscriptMarkdown(transcript: CouncilTranscript): string {
  const { settings, final } = transcript;
  const out: string[] = [];
  const rounds = transcript.rounds.length;
  out.push(
    final === null
      ? `# Council: no verdict (${transcript.stopReason})`
      : `# Council: ${final.verdict} (round ${final.round} of ${settings.maxRounds}, ${transcript.stopReason})`,
    '',
    `**Proposal:** ${firstLine(transcript.proposal, 200)}`,
    '',
    `- **Stopped:** ${transcript.stopReason}: ${transcript.stopDetail}`,
  );
  if (final !== null) {
    out.push(`- **Verdict:** ${final.verdict}, confidence ${final.confidence.toFixed(2)}, from ${final.source === 'arbiter' ? 'the arbiter' : 'a majority vote (the arbiter did not answer)'} of round ${final.round}`);
  }
  out.push(
    `- **Council:** ${settings.personas.map((p) => `${p.name} (${p.model})`).join(', ')}; arbiter ${settings.arbiterModel}; ${MODE_TEXT[settings.speculative]}; ε ${settings.epsilon}; quorum ${settings.quorum}`,
    `- **Time:** ${seconds(transcript.durationMs)} for ${rounds} round${rounds === 1 ? '' : 's'}`,
    `- **Spent:** ${tokens(transcript.usage)} tokens, ${dollars(transcript.costUsd)}; wasted ${waste(transcript.wasted)}`,
  );
  if (final !== null) out.push('', `> ${cell(final.synthesis)}`);
  for (const round of transcript.rounds) out.push('', ...roundSection(round, transcript));
  if (transcript.speculations.length > 0) {
    out.push('', '## Speculation', '', '| Round | Started | Decided | Outcome | Calls | Wasted | Why |', '|---|---|---|---|---|---|---|');
    for (const spec of transcript.speculations) {
      out.push(`| ${spec.round} | ${seconds(spec.startedAtMs)} | ${seconds(spec.decidedAtMs)} | ${spec.outcome} | ${spec.calls} | ${waste(spec.wasted)} | ${cell(spec.reason)} |`);
      for (const question of spec.unseenOpenQuestions) out.push(`|  |  |  |  |  |  | unseen: ${cell(question)} |`);
    }
  }
  out.push('', '## Calls', '', '| Round | Who | Speculative | Outcome | Start | Time | Tokens | $ | Note |', '|---|---|---|---|---|---|---|---|---|');
  for (const call of transcript.calls) {
    out.push(
      `| ${call.round} | ${call.name} | ${call.speculative ? 'yes' : 'no'} | ${call.outcome}${call.wasted ? ' (wasted)' : ''} | ${seconds(call.startedAtMs)} | ${seconds(call.durationMs)} | ${tokens(call.usage)} | ${call.usage === null ? '–' : dollars(call.costUsd)} | ${cell(firstLine(call.note ?? ''))} |`,
    );
  }
  return `${out.join('\n')}\n`;
}
