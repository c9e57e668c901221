/**
 * Milliseconds for people: `0.4 ms`, `12.5 ms`, `412 ms`, `4.1 s`, `12.3 min`, `2.5 h`.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A 0–1 fraction as a percentage: `42 %`, `0.5 %`. */
export function formatShare(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

/** A relative change: `+25 %`, `−8 %`, `±0 %`. */
export function formatChange(change: number | undefined): string {
  if (change === undefined || !Number.isFinite(change)) return '';
  const pct = Math.round(change * 100);
  if (pct === 0) return '±0 %';
  return pct > 0 ? `+${pct} %` : `−${-pct} %`;
}
