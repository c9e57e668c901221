import { describe, expect, it } from 'vitest';
import { AbortedError, isAbortError, UsageError, WhiteboxError } from './errors.js';

describe(WhiteboxError, () => {
  it('carries a code, a message and a cause', () => {
    const cause = new Error('EACCES');
    const error = new WhiteboxError('IO', 'Cannot read settings.json', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'WhiteboxError', code: 'IO', message: 'Cannot read settings.json', cause });
    expect(error.stack).toMatch(/^WhiteboxError: Cannot read settings.json\n/);
  });

  it('accepts codes beyond the built-in ones', () => {
    expect(new WhiteboxError('HOOK_BLOCKED', 'blocked').code).toBe('HOOK_BLOCKED');
  });
});

describe(UsageError, () => {
  it('is a WhiteboxError with the USAGE code', () => {
    const error = new UsageError('--timeout must be a number, got "soon"');
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ name: 'UsageError', code: 'USAGE', message: '--timeout must be a number, got "soon"' });
  });
});

describe(AbortedError, () => {
  it('is a WhiteboxError with the ABORTED code and a default message', () => {
    const error = new AbortedError();
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ name: 'AbortedError', code: 'ABORTED', message: 'Interrupted' });
  });
});

describe(isAbortError, () => {
  const apiUserAbort = Object.assign(new Error('Request was aborted.'), { name: 'APIUserAbortError' });

  it.each([
    ['an AbortedError', new AbortedError()],
    ['the DOMException from AbortSignal.abort()', AbortSignal.abort().reason],
    ['an Error named AbortError', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ["the openai SDK's APIUserAbortError", apiUserAbort],
  ])('recognises %s', (_label, error) => {
    expect(isAbortError(error)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['a WhiteboxError', new WhiteboxError('TIMEOUT', 'took too long')],
    ['the TimeoutError of AbortSignal.timeout()', new DOMException('timed out', 'TimeoutError')],
    ['a string', 'AbortError'],
    ['a look-alike object', { name: 'AbortError', message: 'aborted' }],
    ['undefined', undefined],
  ])('rejects %s', (_label, error) => {
    expect(isAbortError(error)).toBe(false);
  });
});
