import { describe, expect, it } from 'vitest';
import { analyzeFiring } from './analyze-firing.js';

describe(analyzeFiring, () => {
  it('sees overlapping hooks as parallel, the slowest deciding the wall time', () => {
    const result = analyzeFiring([
      { hook: 'lint', start: 0, end: 120 },
      { hook: 'fmt', start: 2, end: 40 },
      { hook: 'guard', start: 1, end: 90 },
    ]);
    expect(result).toEqual({ wall: 120, criticalPath: ['lint'], sequential: false, savable: 0, hooks: ['lint', 'guard', 'fmt'] });
  });

  it('follows a chain of sequential hooks back from the last to finish', () => {
    const result = analyzeFiring([
      { hook: 'c', start: 250, end: 300 },
      { hook: 'a', start: 0, end: 100 },
      { hook: 'side', start: 5, end: 30 },
      { hook: 'b', start: 140, end: 200 },
    ]);
    expect(result.criticalPath).toEqual(['a', 'b', 'c']);
    expect(result.sequential).toBe(true);
    expect(result.wall).toBe(300);
    expect(result.savable).toBe(200);
  });

  it('tolerates a millisecond of rounding between one end and the next start', () => {
    expect(analyzeFiring([{ hook: 'a', start: 0, end: 50.6 }, { hook: 'b', start: 50, end: 80 }]).sequential).toBe(true);
    expect(analyzeFiring([{ hook: 'a', start: 0, end: 52 }, { hook: 'b', start: 50, end: 80 }]).sequential).toBe(false);
  });

  it('handles a single hook and no hooks', () => {
    expect(analyzeFiring([{ hook: 'only', start: 10, end: 15 }])).toEqual({ wall: 5, criticalPath: ['only'], sequential: false, savable: 0, hooks: ['only'] });
    expect(analyzeFiring([])).toEqual({ wall: 0, criticalPath: [], sequential: false, savable: 0, hooks: [] });
  });
});
