import type { Colors } from '@whitebox/core';
import type { ChainReport, ScanReport } from './scan-transcripts.js';

/** Formats milliseconds for people: `850 ms`, `12.4 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Options for {@link formatScanReport}. */
export interface FormatScanReportOptions {
  /** Colours for the output stream. */
  readonly colors: Colors;
  /** Chains listed per session; the rest are counted. @default 5 */
  readonly chainsPerSession?: number;
}

/** The `scan` table: one row per session, its chains under it, totals last. */
export function formatScanReport(report: ScanReport, options: FormatScanReportOptions): string {
  const c = options.colors;
  const perSession = options.chainsPerSession ?? 5;
  const out: string[] = [];
  if (report.sessions.length === 0) {
    out.push('No sub-agent calls found.');
  } else {
    const header = `${'session'.padEnd(36)}  ${'calls'.padStart(5)}  ${'parallel'.padStart(8)}  ${'chains'.padStart(6)}  ${'lost'.padStart(10)}  project`;
    out.push(c.bold(header));
    for (const s of report.sessions) {
      const lost = s.lostMs > 0 ? c.yellow(formatDuration(s.lostMs).padStart(10)) : formatDuration(0).padStart(10);
      out.push(
        `${s.sessionId.slice(0, 36).padEnd(36)}  ${String(s.calls).padStart(5)}  ${String(s.parallelBatches).padStart(8)}  ${String(s.chains.length).padStart(6)}  ${lost}  ${c.dim(s.project)}`,
      );
      const chains = [...s.chains].sort((a, b) => b.lostMs - a.lostMs);
      for (const [i, chain] of chains.slice(0, perSession).entries()) out.push(`  ${formatChain(chain, i + 1, c)}`);
      if (chains.length > perSession) out.push(c.dim(`  … ${chains.length - perSession} more chain(s)`));
    }
  }
  const totals = report.sessions.reduce(
    (t, s) => ({ calls: t.calls + s.calls, parallel: t.parallel + s.parallelBatches, chains: t.chains + s.chains.length, lost: t.lost + s.lostMs }),
    { calls: 0, parallel: 0, chains: 0, lost: 0 },
  );
  const mbps = report.durationMs > 0 ? report.bytes / 1024 / 1024 / (report.durationMs / 1000) : 0;
  out.push('');
  out.push(
    `${report.sessions.length} session(s), ${totals.calls} sub-agent call(s), ${totals.parallel} parallel batch(es), ` +
      `${totals.chains} sequential chain(s), ${c.bold(formatDuration(totals.lost))} lost`,
  );
  out.push(c.dim(`${report.files} file(s), ${formatBytes(report.bytes)} in ${formatDuration(report.durationMs)} (${mbps.toFixed(0)} MiB/s)`));
  for (const skip of report.skipped) out.push(c.yellow(`skipped ${skip.path}: ${skip.reason}`));
  return `${out.join('\n')}\n`;
}

function formatChain(chain: ChainReport, index: number, c: Colors): string {
  const steps = chain.batches.map((batch) =>
    batch.map((call) => `${call.description ?? call.id} (${call.durationMs === undefined ? '?' : formatDuration(call.durationMs)})`).join(' + '),
  );
  const where = chain.scope === 'main' ? '' : ` in sub-agent ${chain.scope}`;
  return `chain ${index}${where}: ${steps.join(' → ')}; waited ${formatDuration(chain.waitedMs)}, parallel ${formatDuration(chain.longestMs)}, ${c.yellow(`lost ${formatDuration(chain.lostMs)}`)}`;
}
