import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { loadSimScript, parseSimScript } from './sim-script.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe(parseSimScript, () => {
  it('accepts a full script and expands latency shorthands', () => {
    const script = parseSimScript({
      seed: 3,
      latency: { default: 100, models: { 'gpt-4o': { type: 'normal', meanMs: 3000, stdDevMs: 300 } } },
      chunkDelayMs: 5,
      personas: [{ name: 'judge', match: { regex: 'judge', flags: 'i' }, latency: { type: 'uniform', minMs: 1, maxMs: 2 } }],
      faults: { '429': 0.1, hang: 0.01 },
      invalidJson: false,
      rules: [
        {
          name: 'flaky',
          match: { model: 'gpt', system: 'judge', user: { regex: '^ship' } },
          respond: [{ error: { status: 429, retryAfter: 1, shouldRetry: true, headers: { 'x-extra': 1 } } }, { content: 'ok', delayMs: 10 }],
          then: 'cycle',
          latency: 50,
        },
        { respond: { fault: 'cut', afterChunks: 2 } },
      ],
    });
    expect(script.latency?.default).toEqual({ type: 'fixed', ms: 100 });
    expect(script.rules?.[1]?.respond).toEqual({ fault: 'cut', afterChunks: 2 });
  });

  it('names the source and the path of every bad field', () => {
    const message = messageOf(() =>
      parseSimScript(
        {
          rules: [
            { match: { user: { regex: '(' } }, respond: { content: 'a' } },
            { respond: [{ content: 'a', error: { status: 500 } }, { error: { status: 200 } }] },
            { respond: { afterChunks: 2 } },
          ],
          faults: { '429': 0.8, '500': 0.5 },
          latency: { default: { type: 'uniform', minMs: 5, maxMs: 1 } },
          extra: true,
        },
        'fixtures/bad.json',
      ),
    );
    const lines = message.split('\n');
    expect(lines.every((line) => line.startsWith('fixtures/bad.json: '))).toBe(true);
    expect(message).toContain('fixtures/bad.json: rules[0].match.user');
    expect(message).toContain('fixtures/bad.json: rules[1].respond');
    expect(message).toContain('fixtures/bad.json: faults: the fault rates must add up to at most 1');
    expect(message).toContain('fixtures/bad.json: latency.default');
    expect(message).toContain('fixtures/bad.json: (root): Unrecognized key: "extra"');
  });

  it('explains the step conflicts', () => {
    expect(messageOf(() => parseSimScript({ rules: [{ respond: { content: 'a', fault: 'hang' } }] }))).toContain(
      'script: rules[0].respond: use only one of content, json, error and fault; got content and fault',
    );
    expect(messageOf(() => parseSimScript({ rules: [{ respond: { delayMs: 1, latency: 2 } }] }))).toContain('use either delayMs or latency');
    expect(messageOf(() => parseSimScript({ rules: [{ respond: { afterChunks: 1, fault: 'hang' } }] }))).toContain(
      'rules[0].respond.afterChunks: afterChunks needs fault "cut" or "stream-error"',
    );
    expect(messageOf(() => parseSimScript({ rules: [{ respond: [] }] }))).toContain('rules[0].respond');
    expect(messageOf(() => parseSimScript({ rules: [{ respond: { latency: 'fast' } }] }))).toContain(
      'script: rules[0].respond.latency: expected a number of ms, { "type": "fixed", "ms" }',
    );
    expect(messageOf(() => parseSimScript({ rules: [{ respond: [{ error: { status: '500' } }] }] }))).toContain(
      'script: rules[0].respond[0].error.status: Invalid input: expected number, received string',
    );
  });
});

describe(loadSimScript, () => {
  it('reads a JSON file, and names the file when it is missing or not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llm-sim-script-'));
    try {
      const file = join(dir, 'script.json');
      await writeFile(file, JSON.stringify({ rules: [{ respond: { content: 'hi' } }] }));
      expect(await loadSimScript(file)).toEqual({ rules: [{ respond: { content: 'hi' } }] });

      await writeFile(file, '{ "rules": [ }');
      await expect(loadSimScript(file)).rejects.toThrow(`${file}: not valid JSON:`);
      await expect(loadSimScript(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('missing.json: cannot read the script') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
