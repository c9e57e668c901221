import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { DEFAULT_OFFLOAD_SETTINGS, loadOffloadConfig, offloadConfigPath, resolveOffloadSettings } from './offload-settings.js';

let dir: string;
const write = async (name: string, content: string): Promise<string> => {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'agent-offload-settings-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(loadOffloadConfig, () => {
  it('reads the agentOffload block and ignores the other tools\' blocks', async () => {
    const file = await write('ok.json', JSON.stringify({ llm: { model: 'x' }, agentOffload: { mode: 'strict', maxLines: 2000 } }));
    expect(await loadOffloadConfig(file)).toEqual({ mode: 'strict', maxLines: 2000 });
    expect(await loadOffloadConfig(await write('none.json', '{"llm":{}}'))).toEqual({});
  });

  it('treats a missing optional file as no config, and a missing required one as an error', async () => {
    expect(await loadOffloadConfig(path.join(dir, 'absent.json'))).toBeUndefined();
    await expect(loadOffloadConfig(path.join(dir, 'absent.json'), true)).rejects.toThrow(/absent\.json: cannot read the config file \(ENOENT/);
  });

  it('names the file and field at fault', async () => {
    const cases: Array<[string, string]> = [
      ['{not json', 'not valid JSON'],
      ['[1]', 'expected a JSON object, received an array of 1'],
      ['{"agentOffload": 3}', 'agentOffload: expected an object, received number 3'],
      ['{"agentOffload": {"mode": "loud"}}', 'agentOffload.mode: expected one of "warn", "strict", "off", received string "loud"'],
      ['{"agentOffload": {"maxLines": 0}}', 'agentOffload.maxLines: expected an integer ≥ 1, received number 0'],
      ['{"agentOffload": {"maxBytes": "1MB"}}', 'agentOffload.maxBytes: expected an integer ≥ 1, received string "1MB"'],
      ['{"agentOffload": {"subagentType": ""}}', 'agentOffload.subagentType: expected a non-empty string, received string ""'],
      ['{"agentOffload": {"maxline": 5}}', 'agentOffload.maxline: unknown field; expected one of mode, subagentType, maxLines'],
    ];
    for (const [content, message] of cases) {
      const file = await write('bad.json', content);
      const error = await loadOffloadConfig(file).catch((e: unknown) => e);
      expect(error, content).toBeInstanceOf(WhiteboxError);
      expect((error as WhiteboxError).code).toBe('CONFIG_INVALID');
      expect((error as WhiteboxError).message, content).toContain(`${file}: ${message}`);
    }
  });
});

describe(resolveOffloadSettings, () => {
  it('fills defaults and lets later layers win, skipping undefined values', () => {
    expect(resolveOffloadSettings()).toEqual(DEFAULT_OFFLOAD_SETTINGS);
    expect(resolveOffloadSettings({ maxLines: 5, mode: 'strict' }, { maxLines: 7, maxBytes: undefined })).toEqual({
      ...DEFAULT_OFFLOAD_SETTINGS,
      maxLines: 7,
      mode: 'strict',
    });
  });

  it('rejects out-of-range values with a TypeError naming the field, value and type', () => {
    expect(() => resolveOffloadSettings({ maxLines: Number.NaN })).toThrow(new TypeError('Expected `maxLines` to be an integer ≥ 1, got `NaN` (number)'));
    expect(() => resolveOffloadSettings({ mode: 'loud' as 'warn' })).toThrow(
      new TypeError('Expected `mode` to be one of warn, strict, off, got `loud` (string)'),
    );
    expect(() => resolveOffloadSettings({ subagentType: ' ' })).toThrow(TypeError);
  });
});

describe(offloadConfigPath, () => {
  it('prefers --config, then CLAUDE_PROJECT_DIR, then the given cwd', async () => {
    await mkdir(path.join(dir, 'proj'), { recursive: true });
    expect(offloadConfigPath({ config: 'x.json', cwd: '/elsewhere', env: {} })).toEqual({ file: path.resolve('x.json'), required: true });
    expect(offloadConfigPath({ cwd: '/proj/sub', env: { CLAUDE_PROJECT_DIR: '/proj' } })).toEqual({
      file: path.join('/proj', '.claude', 'whitebox.json'),
      required: false,
    });
    expect(offloadConfigPath({ cwd: '/proj/sub', env: {} })).toEqual({ file: path.join('/proj/sub', '.claude', 'whitebox.json'), required: false });
  });
});
