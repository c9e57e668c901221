import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortOnSigint } from './abort-on-sigint.js';
import { AbortedError } from './errors.js';

describe(abortOnSigint, () => {
  it('aborts only `signal` on the first SIGINT, and keeps listening', () => {
    const source = new EventEmitter();
    const sigint = abortOnSigint(source);
    expect(source.listenerCount('SIGINT')).toBe(1);

    source.emit('SIGINT');
    expect(sigint.signal.aborted).toBe(true);
    expect(sigint.signal.reason).toBeInstanceOf(AbortedError);
    expect(sigint.signal.reason).toMatchObject({ code: 'ABORTED', message: expect.stringContaining('press Ctrl-C again') });
    expect(sigint.forceSignal.aborted).toBe(false);
    expect(source.listenerCount('SIGINT')).toBe(1);
  });

  it('aborts `forceSignal` on the second SIGINT and then steps aside', () => {
    const source = new EventEmitter();
    const sigint = abortOnSigint(source);
    source.emit('SIGINT');
    const firstReason: unknown = sigint.signal.reason;

    source.emit('SIGINT');
    expect(sigint.forceSignal.aborted).toBe(true);
    expect(sigint.forceSignal.reason).toBeInstanceOf(AbortedError);
    expect(sigint.signal.reason).toBe(firstReason);
    expect(source.listenerCount('SIGINT')).toBe(0);
  });

  it('stops listening once disposed', () => {
    const source = new EventEmitter();
    const sigint = abortOnSigint(source);
    sigint.dispose();
    expect(source.listenerCount('SIGINT')).toBe(0);
    source.emit('SIGINT');
    expect(sigint.signal.aborted).toBe(false);
  });

  it('listens on the process by default', () => {
    const before = process.listenerCount('SIGINT');
    const sigint = abortOnSigint();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    sigint.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
