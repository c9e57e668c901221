import { describe, expect, it } from 'vitest';
import { checkTarget, runBenchmark } from './run-benchmark.js';

describe(runBenchmark, () => {
  it('alternates the order of the sides and computes ratios per paired run', async () => {
    const order: string[] = [];
    const result = await runBenchmark(
      {
        name: 't',
        description: 'd',
        pkg: 'p',
        runs: 4,
        warmup: 1,
        baseline: { label: 'b', run: () => (order.push('b'), 100) },
        candidate: { label: 'c', run: () => (order.push('c'), 25) },
      },
      { now: () => 0 },
    );
    // warm-up b c, then run 1: b c, run 2: c b, run 3: b c, run 4: c b
    expect(order).toEqual(['b', 'c', 'b', 'c', 'c', 'b', 'b', 'c', 'c', 'b']);
    expect(result.speedup).toEqual({ min: 4, median: 4, max: 4 });
    expect(result.relative.median).toBe(0.25);
    expect(result.baseline.ms).toEqual([100, 100, 100, 100]);
  });

  it('with warmEach, runs each side once untimed right before each timed run of it', async () => {
    let t = 0;
    const calls: string[] = [];
    const side = (label: string, ms: number) => ({
      label,
      // The untimed run takes 1,000 ms on the clock; only the timed one's 10 or 5 ms may count.
      run: () => void (calls.push(label), (t += calls.filter((c) => c === label).length % 2 === 1 ? 1000 : ms)),
    });
    const result = await runBenchmark(
      { name: 't', description: 'd', pkg: 'p', runs: 2, warmup: 0, warmEach: true, baseline: side('b', 10), candidate: side('c', 5) },
      { now: () => t },
    );
    expect(calls).toEqual(['b', 'b', 'c', 'c', 'c', 'c', 'b', 'b']);
    expect(result.baseline.ms).toEqual([10, 10]);
    expect(result.candidate.ms).toEqual([5, 5]);
  });

  it('times sides that return nothing with the injected clock, and always tears down', async () => {
    let t = 0;
    let tornDown = false;
    const run = runBenchmark(
      {
        name: 't',
        description: 'd',
        pkg: 'p',
        runs: 1,
        warmup: 0,
        teardown: () => void (tornDown = true),
        baseline: { label: 'b', run: () => void (t += 10) },
        candidate: {
          label: 'c',
          run: () => {
            throw new Error('boom');
          },
        },
      },
      { now: () => t },
    );
    await expect(run).rejects.toThrow('boom');
    expect(tornDown).toBe(true);
  });

  it('rejects a run count that is not a positive integer', async () => {
    const side = { label: 'x', run: () => 1 };
    await expect(runBenchmark({ name: 't', description: 'd', pkg: 'p', baseline: side, candidate: side }, { runs: 0 })).rejects.toThrow(
      /`runs` to be an integer ≥ 1, got `0`/,
    );
  });
});

describe(checkTarget, () => {
  const medians = {
    candidate: { min: 50, median: 60, max: 70 },
    speedup: { min: 1.7, median: 1.9, max: 2 },
    relative: { min: 0.9, median: 1.05, max: 1.2 },
  };

  it.each([
    [{ metric: 'candidate', max: 70 } as const, true],
    [{ metric: 'candidate', max: 55 } as const, false],
    [{ metric: 'speedup', min: 1.8 } as const, true],
    [{ metric: 'relative', max: 1.0 } as const, false],
  ])('checks %o against the median → %s', (target, pass) => {
    expect(checkTarget(target, medians).pass).toBe(pass);
  });
});
