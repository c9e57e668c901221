import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

describe(redactSecrets, () => {
  it('removes every occurrence of a known key', () => {
    expect(redactSecrets('key my-own-secret-key-1 failed; my-own-secret-key-1 again', ['my-own-secret-key-1'])).toBe(
      'key [redacted] failed; [redacted] again',
    );
  });

  it('removes OpenAI-shaped keys and bearer tokens it was not told about', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-abc123XYZ****wxyz.')).toBe('Incorrect API key provided: [redacted].');
    expect(redactSecrets('authorization: Bearer abc.def.ghi')).toBe('authorization: Bearer [redacted]');
  });

  it('ignores short and missing secrets so ordinary words survive', () => {
    expect(redactSecrets('the cat sat', ['cat', undefined, ''])).toBe('the cat sat');
  });
});
