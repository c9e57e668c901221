import { describe, expect, it } from 'vitest';
import { BoundedOutput, completeUtf8Length } from './bounded-output.js';

describe(BoundedOutput, () => {
  it('keeps everything under the limit', () => {
    const output = new BoundedOutput(10);
    output.push(Buffer.from('hello '));
    output.push('world');
    expect(output.text()).toBe('hello worl');
    expect(output.totalBytes).toBe(11);
    expect(output.truncated).toBe(true);
  });

  it('counts bytes past the limit without keeping them', () => {
    const output = new BoundedOutput(4);
    for (let i = 0; i < 1000; i++) output.push(Buffer.alloc(1024, 97));
    expect(output.text()).toBe('aaaa');
    expect(output.totalBytes).toBe(1024 * 1000);
  });

  it('drops a character the limit cut in two instead of garbling it', () => {
    const output = new BoundedOutput(4);
    output.push('ab€'); // € is 3 bytes: only 2 fit
    expect(output.text()).toBe('ab');
  });

  it('decodes invalid UTF-8 to U+FFFD, as any UTF-8 reader does', () => {
    const output = new BoundedOutput(100);
    output.push(Buffer.from([0x61, 0xff, 0x62]));
    expect(output.text()).toBe('a\uFFFDb');
    expect(output.truncated).toBe(false);
  });

  it('rejects a limit that is not a non-negative integer', () => {
    expect(() => new BoundedOutput(-1)).toThrow(TypeError);
    expect(() => new BoundedOutput(1.5)).toThrow('Expected `limit` to be an integer ≥ 0, got `1.5` (number)');
  });
});

describe(completeUtf8Length, () => {
  it('keeps complete sequences and cuts an incomplete trailing one', () => {
    const euro = Buffer.from('€');
    expect(completeUtf8Length(euro)).toBe(3);
    expect(completeUtf8Length(euro.subarray(0, 2))).toBe(0);
    expect(completeUtf8Length(Buffer.from('a'))).toBe(1);
    expect(completeUtf8Length(Buffer.concat([Buffer.from('x'), Buffer.from('😀').subarray(0, 3)]))).toBe(1);
  });
});
