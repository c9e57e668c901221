let cachedPrefix = '';
let cachedBase = NaN;

/**
 * `Date.parse` for record timestamps, fast for the canonical `YYYY-MM-DDTHH:MM:SS.sssZ` that every
 * writer produces: records arrive in time order, so the date-to-minute prefix is parsed once and
 * reused, and only seconds and milliseconds are read per record (`Date.parse` alone costs about
 * 0.3 µs, a tenth of a report's budget per record). Anything else goes to `Date.parse`.
 *
 * @returns Epoch milliseconds, or NaN when `ts` is not a date.
 */
export function parseTimestamp(ts: string): number {
  const length = ts.length;
  // 2026-11-27T10:00:00Z (20) or 2026-11-27T10:00:00.000Z (24)
  if ((length === 20 || length === 24) && ts.charCodeAt(length - 1) === 90 && ts.charCodeAt(16) === 58) {
    if (!ts.startsWith(cachedPrefix) || cachedPrefix === '') {
      cachedPrefix = ts.slice(0, 16);
      cachedBase = Date.parse(`${cachedPrefix}:00Z`);
    }
    const s1 = ts.charCodeAt(17) - 48;
    const s2 = ts.charCodeAt(18) - 48;
    if (s1 >= 0 && s1 <= 5 && s2 >= 0 && s2 <= 9) {
      const seconds = s1 * 10 + s2;
      if (length === 20) return cachedBase + seconds * 1000;
      const m1 = ts.charCodeAt(20) - 48;
      const m2 = ts.charCodeAt(21) - 48;
      const m3 = ts.charCodeAt(22) - 48;
      if (ts.charCodeAt(19) === 46 && m1 >= 0 && m1 <= 9 && m2 >= 0 && m2 <= 9 && m3 >= 0 && m3 <= 9) {
        return cachedBase + seconds * 1000 + m1 * 100 + m2 * 10 + m3;
      }
    }
  }
  return Date.parse(ts);
}
