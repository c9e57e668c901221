import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './parse-timestamp.js';

describe(parseTimestamp, () => {
  it('agrees with Date.parse on canonical, offset, odd and invalid timestamps', () => {
    const samples = [
      '2026-11-27T10:00:00.000Z',
      '2026-11-27T10:00:59.999Z',
      '2026-11-27T10:01:00.001Z',
      '2026-11-27T10:01:07Z',
      '2026-12-31T23:59:59.500Z',
      '2027-01-01T00:00:00.000Z',
      '2026-11-27T10:00:00.000+02:00',
      '2026-11-27T10:00:00.1234Z',
      '2026-11-27T10:00:7a.000Z',
      '2026-11-27T10:00:60.000Z',
      '2026-13-45T99:00:00.000Z',
      '2026-11-27T10:00:00,000Z',
      'nonsense',
      '',
    ];
    // Twice, so the second round runs on a warm prefix cache.
    for (const ts of [...samples, ...samples]) {
      const expected = Date.parse(ts);
      if (Number.isNaN(expected)) expect(parseTimestamp(ts), ts).toBeNaN();
      else expect(parseTimestamp(ts), ts).toBe(expected);
    }
  });
});
