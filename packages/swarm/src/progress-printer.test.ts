import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createColors } from '@whitebox/core';
import { formatBatchProgress, formatSwarmProgress, startProgressPrinter } from './progress-printer.js';
import type { SwarmProgress } from './run-swarm.js';

const plain = createColors({ isTTY: false }, {});

const progress = (fields: Partial<SwarmProgress> = {}): SwarmProgress => ({
  total: 2000,
  pending: 2000,
  skipped: 0,
  done: 795,
  failed: 5,
  inFlight: 50,
  spentUsd: 0.0123,
  priorSpentUsd: 0,
  elapsedMs: 4000,
  ratePerSecond: 200,
  etaMs: 6000,
  rateLimit: { rpm: 12_000, tpm: undefined, waiting: 0, cooldowns: 0, corrections: 0, cooldownUntil: 0 },
  stopping: undefined,
  ...fields,
});

describe(formatSwarmProgress, () => {
  it('shows done, failed, in flight, rate, ETA and spend, with a bar for terminals', () => {
    expect(formatSwarmProgress(progress(), plain, true)).toBe(
      'swarm ████████░░░░░░░░░░░░  40% 800/2000 | 5 failed | 50 in flight | 200/s | ETA 6s | $0.0123',
    );
    expect(formatSwarmProgress(progress(), plain, false)).toBe('swarm:  40% 800/2000 finished | 5 failed | 50 in flight | 200/s | ETA 6s | $0.0123');
  });

  it('says when the rate limit holds calls back, when a cooldown runs and when it is stopping', () => {
    expect(formatSwarmProgress(progress({ rateLimit: { ...progress().rateLimit, waiting: 7 } }), plain, false)).toContain('| 7 waiting for the rate limit');
    expect(formatSwarmProgress(progress({ rateLimit: { ...progress().rateLimit, cooldownUntil: 1 } }), plain, false)).toContain('| cooling down after a 429');
    expect(formatSwarmProgress(progress({ stopping: 'budget' }), plain, false)).toContain('| stopping (budget)');
  });

  it('counts earlier spend, and shows the elapsed time instead of an ETA once finished', () => {
    const line = formatSwarmProgress(progress({ done: 1995, failed: 5, priorSpentUsd: 1, spentUsd: 0.5, elapsedMs: 65_000 }), plain, false);
    expect(line).toBe('swarm: 100% 2000/2000 finished | 5 failed | 50 in flight | 200/s | 1m05s | $1.50');
  });

  it('works without a known total', () => {
    expect(formatSwarmProgress(progress({ pending: undefined, etaMs: undefined }), plain, false)).toBe(
      'swarm: 800 finished | 5 failed | 50 in flight | 200/s | ETA ? | $0.0123',
    );
  });
});

describe(formatBatchProgress, () => {
  it('sums requests over batches and counts batches by status', () => {
    const line = formatBatchProgress(
      {
        batches: [
          { id: 'b1', status: 'in_progress', total: 100, completed: 40, failed: 2 },
          { id: 'b2', status: 'validating', total: 100, completed: 0, failed: 0 },
        ],
        finished: 42,
        total: 200,
        elapsedMs: 3000,
      },
      plain,
      false,
    );
    expect(line).toBe('swarm batch:  21% 42/200 requests | 2 failed | 2 batches (1 in_progress, 1 validating) | 3s');
  });
});

describe(startProgressPrinter, () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('prints a plain line every interval when the stream is not a terminal', () => {
    const written: string[] = [];
    let n = 0;
    const printer = startProgressPrinter({ stream: { write: (s: string) => written.push(s) }, source: () => ++n, format: (value) => `tick ${value}`, mode: 'lines', intervalMs: 1000 });
    vi.advanceTimersByTime(2500);
    printer.say('note');
    printer.stop();
    vi.advanceTimersByTime(5000);
    expect(written).toEqual(['tick 1\n', 'tick 2\n', 'note\n']);
  });

  it('redraws one line in place on a terminal and prints messages above it', () => {
    const written: string[] = [];
    const printer = startProgressPrinter({ stream: { write: (s: string) => written.push(s), isTTY: true, columns: 80 }, source: () => 'x', format: (value) => `bar ${value}`, mode: 'bar' });
    printer.say('hello');
    printer.stop();
    expect(written).toEqual(['\r\x1b[2Kbar x', '\r\x1b[2K', 'hello\n', '\r\x1b[2Kbar x', '\r\x1b[2Kbar x', '\n']);
  });

  it('prints nothing when off', () => {
    const written: string[] = [];
    const printer = startProgressPrinter({ stream: { write: (s: string) => written.push(s) }, source: () => 1, format: () => 'x', mode: 'off' });
    printer.say('note');
    printer.stop();
    expect(written).toEqual([]);
  });
});
