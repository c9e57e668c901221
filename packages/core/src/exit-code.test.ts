import { describe, expect, it } from 'vitest';
import { AbortedError, UsageError, WhiteboxError } from './errors.js';
import { ExitCode, exitCodeFor } from './exit-code.js';

describe(exitCodeFor, () => {
  it.each([
    ['a UsageError', new UsageError('bad flag'), ExitCode.Usage],
    ['an AbortedError', new AbortedError(), ExitCode.Interrupted],
    ['a DOM AbortError', AbortSignal.abort().reason, ExitCode.Interrupted],
    ['a WhiteboxError', new WhiteboxError('IO', 'disk'), ExitCode.Failure],
    ['a plain Error', new Error('bug'), ExitCode.Failure],
    ['a thrown string', 'oops', ExitCode.Failure],
  ])('maps %s to its exit code', (_label, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('uses the conventional numbers', () => {
    expect(ExitCode).toEqual({ Ok: 0, Failure: 1, Usage: 2, Interrupted: 130 });
  });
});
