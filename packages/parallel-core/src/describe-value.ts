import { inspect } from 'node:util';

/**
 * Renders a rejected option value for a TypeError, p-map style: the value in backticks, then its
 * `typeof`, so `0`, `'0'` and `NaN` are told apart.
 *
 * @example
 * describeValue(0); // "`0` (number)"
 * describeValue('8'); // "`'8'` (string)"
 */
export function describeValue(value: unknown): string {
  const type = value === null ? 'null' : typeof value;
  return `\`${inspect(value, { depth: 0, breakLength: Infinity })}\` (${type})`;
}
