import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHookStdout } from '@whitebox/core';
import { decideOffload, renderHookOutput } from './decide-offload.js';
import type { OffloadDecision, OffloadRequest } from './decide-offload.js';
import { resolveOffloadSettings } from './offload-settings.js';
import type { OffloadSettings } from './offload-settings.js';

let dir: string;
const settings = (overrides: Partial<OffloadSettings> = {}): OffloadSettings => resolveOffloadSettings(overrides);
const read = (toolInput: unknown, extra: Partial<OffloadRequest> = {}): OffloadRequest => ({
  toolName: 'Read',
  toolInput,
  cwd: dir,
  ...extra,
});
const lines = (count: number): string => 'l\n'.repeat(count);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'agent-offload-decide-'));
  await writeFile(path.join(dir, '1000.txt'), lines(1000));
  await writeFile(path.join(dir, '1001.txt'), lines(1001));
  // 1,000 lines without a final newline is still 1,000 lines.
  await writeFile(path.join(dir, '1000-open.txt'), lines(1000).slice(0, -1));
  await writeFile(path.join(dir, 'small.txt'), lines(10));
  await writeFile(path.join(dir, 'wide-100000.txt'), 'x'.repeat(100_000));
  await writeFile(path.join(dir, 'wide-100001.txt'), 'x'.repeat(100_001));
  await writeFile(path.join(dir, 'huge.log'), '123456789\n'.repeat(200_000));
  await writeFile(path.join(dir, 'blob.bin'), Buffer.concat([Buffer.alloc(5000), Buffer.from(lines(2000))]));
  await writeFile(path.join(dir, 'photo.png'), lines(5000));
  await mkdir(path.join(dir, 'sub'));
  await writeFile(path.join(dir, 'sub', 'deep.txt'), lines(1500));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectAdvice(decision: OffloadDecision): asserts decision is Extract<OffloadDecision, { action: 'suggest' | 'deny' }> {
  expect(decision.action, decision.action === 'skip' ? decision.reason : '').not.toBe('skip');
}

describe(decideOffload, () => {
  it('leaves a file of exactly maxLines lines alone and advises on one more', async () => {
    expect(await decideOffload(read({ file_path: path.join(dir, '1000.txt') }), settings())).toMatchObject({ action: 'skip' });
    expect(await decideOffload(read({ file_path: path.join(dir, '1000-open.txt') }), settings())).toMatchObject({ action: 'skip' });
    const decision = await decideOffload(read({ file_path: path.join(dir, '1001.txt') }), settings());
    expectAdvice(decision);
    expect(decision.action).toBe('suggest');
    expect(decision.size).toMatchObject({ lines: 1001, precision: 'exact' });
    expect(decision.reason).toBe(`${path.join(dir, '1001.txt')}: 1,001 lines > 1,000`);
  });

  it('follows --max-lines', async () => {
    const file = { file_path: path.join(dir, 'small.txt') };
    expect((await decideOffload(read(file), settings({ maxLines: 10 }))).action).toBe('skip');
    expect((await decideOffload(read(file), settings({ maxLines: 9 }))).action).toBe('suggest');
  });

  it('leaves a file of exactly maxBytes alone and advises on one byte more, whatever its lines', async () => {
    expect(await decideOffload(read({ file_path: path.join(dir, 'wide-100000.txt') }), settings())).toMatchObject({ action: 'skip' });
    const decision = await decideOffload(read({ file_path: path.join(dir, 'wide-100001.txt') }), settings());
    expectAdvice(decision);
    expect(decision.size.lines).toBe(1);
    expect(decision.reason).toBe(`${path.join(dir, 'wide-100001.txt')}: 100,001 bytes > 100,000`);
  });

  it('gives no advice when offset, limit or pages is present, even 0', async () => {
    const file_path = path.join(dir, '1001.txt');
    for (const range of [{ offset: 0 }, { limit: 50 }, { offset: 10, limit: 20 }, { pages: '1-3' }]) {
      const decision = await decideOffload(read({ file_path, ...range }), settings());
      expect(decision.action, JSON.stringify(range)).toBe('skip');
    }
    // null is what some clients send for "not given".
    expect((await decideOffload(read({ file_path, offset: null, limit: null }), settings())).action).toBe('suggest');
  });

  it('denies in strict mode, with a reason that teaches the delegation', async () => {
    const decision = await decideOffload(read({ file_path: path.join(dir, '1001.txt') }), settings({ mode: 'strict' }));
    expectAdvice(decision);
    expect(decision.action).toBe('deny');
    expect(decision.message).toContain('agent-offload (strict mode) denied this Read');
    expect(decision.message).toContain('re-issue the Read with offset and limit');
  });

  it('does nothing in mode off', async () => {
    expect(await decideOffload(read({ file_path: path.join(dir, '1001.txt') }), settings({ mode: 'off' }))).toEqual({
      action: 'skip',
      reason: 'mode is "off"',
    });
  });

  it('resolves a relative file_path against the input cwd', async () => {
    const decision = await decideOffload(read({ file_path: 'sub/deep.txt' }), settings());
    expectAdvice(decision);
    expect(decision.file).toBe(path.join(dir, 'sub', 'deep.txt'));
    expect(decision.message).toContain('sub/deep.txt is large (1,500 lines');
    expect(decision.message).toContain(`Read ${path.join(dir, 'sub', 'deep.txt')} and reply`);
  });

  it('never advises inside a sub-agent, where the large read belongs', async () => {
    const decision = await decideOffload(read({ file_path: path.join(dir, '1001.txt') }, { agentId: 'a1b2' }), settings({ mode: 'strict' }));
    expect(decision).toEqual({ action: 'skip', reason: 'the Read runs inside sub-agent a1b2, where large reads belong' });
  });

  it('estimates the lines of a file beyond maxScanBytes without reading all of it', async () => {
    const decision = await decideOffload(read({ file_path: path.join(dir, 'huge.log') }), settings({ maxScanBytes: 20_000 }));
    expectAdvice(decision);
    expect(decision.size).toEqual({ bytes: 2_000_000, lines: 200_000, precision: 'estimate', scannedBytes: 20_000, binary: false });
    expect(decision.message).toContain('about 200,000 lines, 2 MB');
  });

  it('leaves safe reads alone and says why: missing, directory, other tool, bad input, binary, image', async () => {
    const cases: Array<[OffloadRequest, string]> = [
      [read({ file_path: path.join(dir, 'nope.txt') }), `${path.join(dir, 'nope.txt')}: cannot stat (ENOENT)`],
      [read({ file_path: path.join(dir, 'sub') }), `${path.join(dir, 'sub')}: a directory`],
      [read({ file_path: path.join(dir, '1001.txt') }, { toolName: 'Bash' }), 'tool_name is "Bash", not "Read"'],
      [read('not an object'), 'tool_input is not an object'],
      [read({ path: 'x' }), 'tool_input.file_path is missing or empty'],
      [read({ file_path: path.join(dir, 'blob.bin') }), `${path.join(dir, 'blob.bin')}: looks binary (NUL bytes)`],
      [read({ file_path: path.join(dir, 'photo.png') }), `${path.join(dir, 'photo.png')}: not a text file for the Read tool`],
      [read({ file_path: path.join(dir, 'small.txt') }), `${path.join(dir, 'small.txt')}: 20 B cannot hold more than 1,000 lines`],
    ];
    for (const [request, reason] of cases) {
      expect(await decideOffload(request, settings({ mode: 'strict' }))).toEqual({ action: 'skip', reason });
    }
  });
});

describe(renderHookOutput, () => {
  it('prints nothing for skip, additionalContext without a decision for suggest, and a deny for strict', async () => {
    const file_path = path.join(dir, '1001.txt');
    expect(renderHookOutput({ action: 'skip', reason: 'small' })).toBeUndefined();

    const suggest = renderHookOutput(await decideOffload(read({ file_path }), settings()))!;
    const parsedSuggest = parseHookStdout(suggest, { event: 'PreToolUse' });
    expect(parsedSuggest.kind).toBe('json');
    const suggestOutput = JSON.parse(suggest) as { hookSpecificOutput: Record<string, unknown> };
    expect(suggestOutput.hookSpecificOutput['hookEventName']).toBe('PreToolUse');
    expect(suggestOutput.hookSpecificOutput['permissionDecision']).toBeUndefined();
    expect(suggestOutput.hookSpecificOutput['additionalContext']).toContain('Agent({ subagent_type: "Explore"');

    const deny = renderHookOutput(await decideOffload(read({ file_path }), settings({ mode: 'strict' })))!;
    expect(parseHookStdout(deny, { event: 'PreToolUse' }).kind).toBe('json');
    expect(JSON.parse(deny)).toMatchObject({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: expect.stringContaining('1,001 lines') },
    });
  });
});
