import { UsageError } from '@whitebox/core';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a period such as `7d`, `36h`, `90d`, `2w`, `30m` into milliseconds.
 *
 * @param flag - The flag name, for the error message.
 * @throws {UsageError} naming the flag and the value when it is not a positive duration.
 */
export function parseDurationSpec(flag: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d|w)\s*$/i.exec(value);
  const ms = match === null ? NaN : Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`--${flag} must be a positive duration such as 7d, 36h, 2w or 30m, got "${value}"`);
  }
  return ms;
}

/** `--since`: a duration, or `all` for every record (then there is no trend). */
export function parseSince(value: string): number | undefined {
  return value.trim().toLowerCase() === 'all' ? undefined : parseDurationSpec('since', value);
}

/**
 * Parses `--now` (an ISO timestamp) for reproducible reports.
 *
 * @throws {UsageError} when it is not a date.
 */
export function parseNow(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`--now must be an ISO date such as 2026-11-27T12:00:00Z, got "${value}"`);
  return ms;
}
