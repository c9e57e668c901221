import type { OracleReport } from './oracle-report.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function firstLine(text: string, max = 100): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function signed(value: number): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(2)}`;
}

/**
 * Renders a report as Markdown for people: the decision first, a table of verdicts, dissent,
 * each persona's reasons and risks, failures, then tokens, cost and time.
 */
export function formatReportMarkdown(report: OracleReport): string {
  const { aggregate } = report;
  const total = report.results.length;
  const out: string[] = [];
  if (aggregate.decision === null) {
    out.push(`# Oracle: no verdict (all ${total} persona${total === 1 ? '' : 's'} failed)`);
  } else {
    const consensus = aggregate.consensus === null ? '' : `, consensus ${Math.round(aggregate.consensus * 100)}% (${aggregate.consensusLabel})`;
    out.push(`# Oracle: ${aggregate.decision} (${aggregate.answered} of ${total} answered${consensus})`);
  }
  out.push('', `**Proposal:** ${firstLine(report.proposal)}`, '');
  out.push('| Persona | Verdict | Confidence | Summary |', '|---|---|---|---|');
  for (const result of report.results) {
    if (result.status === 'answered') {
      const cached = result.cached ? ' (cached)' : '';
      out.push(`| ${result.persona} | ${result.verdict.verdict}${cached} | ${result.verdict.confidence.toFixed(2)} | ${cell(result.verdict.summary)} |`);
    } else {
      out.push(`| ${result.persona} | **failed** | – | ${cell(`${result.error.code}: ${firstLine(result.error.message, 160)}`)} |`);
    }
  }
  if (aggregate.score !== null) {
    const { approve, revise, reject } = aggregate.tally;
    out.push('', `Score ${signed(aggregate.score)} (−1 reject … +1 approve) · approve ${approve} · revise ${revise} · reject ${reject}`);
  }
  if (aggregate.dissenters.length > 0) {
    out.push('', '## Dissent', '');
    for (const dissenter of aggregate.dissenters) {
      const why = dissenter.reasons.length > 0 ? `: ${dissenter.reasons.join('; ')}` : '';
      out.push(`- **${dissenter.persona}** (${dissenter.verdict}, ${dissenter.confidence.toFixed(2)})${cell(why)}`);
    }
  }
  for (const result of report.results) {
    if (result.status !== 'answered') continue;
    const { verdict } = result;
    out.push('', `## ${result.persona}: ${verdict.verdict} (${verdict.confidence.toFixed(2)})`, '', verdict.summary.trim());
    if (verdict.reasons.length > 0) out.push('', '**Reasons**', '', ...verdict.reasons.map((reason) => `- ${cell(reason)}`));
    if (verdict.risks.length > 0) out.push('', '**Risks**', '', ...verdict.risks.map((risk) => `- ${cell(risk)}`));
  }
  const failed = report.results.filter((result) => result.status === 'failed');
  if (failed.length > 0) {
    out.push('', '## Failed', '');
    for (const result of failed) {
      const tries = result.attempts > 1 ? ` after ${result.attempts} attempts` : '';
      out.push(`- **${result.persona}** (${result.model}${tries}): ${result.error.message}`);
    }
  }
  const tokens = `${report.usage.estimated ? '~' : ''}${report.usage.totalTokens.toLocaleString('en-US')} tokens`;
  const cost = report.costUsd === null ? 'cost unknown' : `$${report.costUsd.toFixed(4)}`;
  out.push('', '---', `${tokens} · ${cost} · ${seconds(report.durationMs)}`, '');
  return out.join('\n');
}
