let cachedDay = '';
let cachedDayStart = NaN;

/**
 * `Date.parse` for record timestamps, fast for the canonical `YYYY-MM-DDTHH:MM:SS(.sss)Z` that
 * every writer produces: records arrive in time order, so each day is parsed once and the time of
 * day is read digit by digit (`Date.parse` alone costs about 0.3 µs, a tenth of a report's budget
 * per record). Anything else goes to `Date.parse`.
 *
 * @returns Epoch milliseconds, or NaN when `ts` is not a date.
 */
export function parseTimestamp(ts: string): number {
  const length = ts.length;
  if (
    (length === 20 || (length === 24 && ts.charCodeAt(19) === 46)) &&
    ts.charCodeAt(length - 1) === 90 &&
    ts.charCodeAt(10) === 84 &&
    ts.charCodeAt(13) === 58 &&
    ts.charCodeAt(16) === 58
  ) {
    const hours = twoDigits(ts, 11);
    const minutes = twoDigits(ts, 14);
    const seconds = twoDigits(ts, 17);
    const millis = length === 24 ? threeDigits(ts, 20) : 0;
    if (hours < 24 && minutes < 60 && seconds < 60 && millis >= 0) {
      if (!ts.startsWith(cachedDay) || cachedDay === '') {
        cachedDay = ts.slice(0, 10);
        cachedDayStart = Date.parse(`${cachedDay}T00:00:00Z`);
      }
      return cachedDayStart + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
    }
  }
  return Date.parse(ts);
}

/** Two ASCII digits at `at`, or 99 when they are not digits. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : 99;
}

/** Three ASCII digits at `at`, or -1 when they are not digits. */
function threeDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  const c = text.charCodeAt(at + 2) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9 ? a * 100 + b * 10 + c : -1;
}
