import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-fixtures/helpers.js';
import { loadDetectorConfig, validateDetectorConfig } from './detector-config.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe(loadDetectorConfig, () => {
  it('reads .claude/sequential-agent-detector.json from the project directory', async () => {
    await mkdir(path.join(dir, '.claude'));
    await writeFile(path.join(dir, '.claude', 'sequential-agent-detector.json'), JSON.stringify({ mode: 'warn', waitMs: 25 }));
    expect(loadDetectorConfig({ projectDir: dir })).toEqual({ config: { mode: 'warn', waitMs: 25 }, path: path.join(dir, '.claude', 'sequential-agent-detector.json') });
  });

  it('is empty when the project has no config file', () => {
    expect(loadDetectorConfig({ projectDir: dir })).toEqual({ config: {}, path: undefined });
    expect(loadDetectorConfig({})).toEqual({ config: {}, path: undefined });
  });

  it('requires an explicit --config file to exist', () => {
    expect(() => loadDetectorConfig({ file: path.join(dir, 'nope.json') })).toThrow(/Cannot read the config file .*nope\.json/);
  });

  it('names the file when it is not JSON', async () => {
    const file = path.join(dir, 'c.json');
    await writeFile(file, '{ mode: warn }');
    expect(() => loadDetectorConfig({ file })).toThrow(`${file}: not valid JSON`);
  });
});

describe(validateDetectorConfig, () => {
  it.each([
    [{ mode: 'loud' }, '"mode" must be one of block, warn, off, received "loud"'],
    [{ waitMs: -1 }, '"waitMs" must be a number ≥ 0, received -1'],
    [{ waitMs: '40' }, '"waitMs" must be a number ≥ 0, received "40"'],
    [{ stateDir: '' }, '"stateDir" must be a non-empty path'],
    [{ transcript: 'yes' }, '"transcript" must be true or false'],
    [{ mdoe: 'warn' }, 'unknown field "mdoe"'],
    [[], 'expected a JSON object, received an array'],
  ])('rejects %o: %s', (value, message) => {
    expect(() => validateDetectorConfig(value, 'cfg.json')).toThrow(`cfg.json: ${message}`);
  });

  it('accepts every known field', () => {
    const config = { mode: 'off', waitMs: 0, maxWaitMs: 100, stateDir: '/tmp/x', transcript: false, pruneAfterHours: 1, remind: false };
    expect(validateDetectorConfig({ $schema: 'x', ...config })).toEqual(config);
  });
});
