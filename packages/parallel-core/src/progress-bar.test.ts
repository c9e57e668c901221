import { Writable } from 'node:stream';
import { createColors } from '@whitebox/core';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatDuration, formatProgressLine } from './progress-bar.js';

const plain = createColors({ isTTY: false }, {});

class FakeStream extends Writable {
  readonly columns = 160;
  output = '';

  constructor(readonly isTTY: boolean) {
    super();
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    this.output += String(chunk);
    callback();
  }
}

describe(formatDuration, () => {
  it.each([
    [850, '850ms'],
    [12_000, '12s'],
    [185_000, '3m05s'],
    [3_720_000, '1h02m'],
    [Number.NaN, '?'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe(formatProgressLine, () => {
  it('shows the label, bar, percentage, count, rate and ETA for a known total', () => {
    expect(formatProgressLine({ desc: 'Linting', done: 5, total: 10, failed: 0, elapsedMs: 2_000, etaSeconds: 2 }, plain)).toBe(
      'Linting ██████████░░░░░░░░░░  50% 5/10 | 2.5/s | ETA 2s',
    );
  });

  it('shows the elapsed time instead of an ETA once everything is done, and the failures', () => {
    expect(formatProgressLine({ done: 40, total: 40, failed: 3, elapsedMs: 4_000, etaSeconds: 0 }, plain)).toBe(
      '████████████████████ 100% 40/40 | 10/s | 4s | 3 failed',
    );
  });

  it('shows a count and rate without a bar or ETA when the total is unknown', () => {
    expect(formatProgressLine({ desc: 'Reading', done: 7, failed: 0, elapsedMs: 0 }, plain)).toBe('Reading 7 done | –/s | 0ms');
  });

  it('shows ? for an ETA cli-progress cannot estimate yet', () => {
    expect(formatProgressLine({ done: 0, total: 4, failed: 0, elapsedMs: 10, etaSeconds: 'NULL' }, plain)).toContain('ETA ?');
  });
});

describe(createProgressBar, () => {
  it('returns undefined and writes nothing when the stream is not a terminal', () => {
    const stream = new FakeStream(false);
    expect(createProgressBar({ desc: 'x', total: 3, stream })).toBeUndefined();
    expect(stream.output).toBe('');
  });

  it('draws the label, count and failures on a terminal stream', () => {
    const stream = new FakeStream(true);
    const bar = createProgressBar({ desc: 'Crunching', total: 3, stream, env: { NO_COLOR: '1' } });
    bar?.update(1, 0);
    bar?.update(2, 1);
    bar?.stop();
    expect(stream.output).toContain('Crunching');
    expect(stream.output).toContain('2/3');
    expect(stream.output).toContain('1 failed');
  });

  it('colours only when the environment allows it', () => {
    const bold = '\u001B[1m';
    const noColor = new FakeStream(true);
    createProgressBar({ desc: 'a', total: 1, stream: noColor, env: { NO_COLOR: '1' } })?.stop();
    expect(noColor.output).not.toContain(bold);
    const colored = new FakeStream(true);
    createProgressBar({ desc: 'a', total: 1, stream: colored, env: {} })?.stop();
    expect(colored.output).toContain(bold);
  });
});
