import { describe, expect, it } from 'vitest';
import { createColors, shouldUseColor } from './colors.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe(shouldUseColor, () => {
  it.each([
    ['a TTY', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['a stream without isTTY', {}, {}, false],
    ['a TTY under NO_COLOR=1', tty, { NO_COLOR: '1' }, false],
    ['a TTY under an empty NO_COLOR, which no-color.org says to ignore', tty, { NO_COLOR: '' }, true],
    ['a pipe under FORCE_COLOR=1', pipe, { FORCE_COLOR: '1' }, true],
    ['a pipe under FORCE_COLOR=3', pipe, { FORCE_COLOR: '3' }, true],
    ['a pipe under FORCE_COLOR=true', pipe, { FORCE_COLOR: 'true' }, true],
    ['a TTY under FORCE_COLOR=0', tty, { FORCE_COLOR: '0' }, false],
    ['a TTY under FORCE_COLOR=false', tty, { FORCE_COLOR: 'false' }, false],
    ['a TTY under an empty FORCE_COLOR', tty, { FORCE_COLOR: '' }, true],
    ['a pipe under an empty FORCE_COLOR', pipe, { FORCE_COLOR: '' }, false],
    ['a pipe under both NO_COLOR and FORCE_COLOR', pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ])('decides for %s', (_label, stream, env, expected) => {
    expect(shouldUseColor(stream, env)).toBe(expected);
  });
});

describe(createColors, () => {
  it('colours text for a TTY', () => {
    expect(createColors(tty, {}).red('error')).toBe('\u001b[31merror\u001b[39m');
  });

  it('leaves text plain for a pipe and under NO_COLOR', () => {
    expect(createColors(pipe, {}).red('error')).toBe('error');
    expect(createColors(tty, { NO_COLOR: '1' }).bold('error')).toBe('error');
  });
});
