import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, WhiteboxError } from '../errors.js';
import { describeProvider, loadLlmFileConfig, ProviderNotConfiguredError, resolveProvider } from './provider-config.js';

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'whitebox-provider-'));
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function writeConfig(content: unknown, file = path.join(cwd, '.claude', 'whitebox.json')): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const KEY = 'sk-test-1234567890abcdef';

describe(resolveProvider, () => {
  it('takes flags over env over the config file, setting by setting', async () => {
    await writeConfig({ llm: { baseURL: 'http://config:1/v1', model: 'config-model' } });
    const env = { OPENAI_BASE_URL: 'http://env:2/v1', WHITEBOX_MODEL: 'env-model' };

    const fromFlags = await resolveProvider({ cwd, env, baseURL: 'http://flag:3/v1', model: 'flag-model' });
    expect(fromFlags).toMatchObject({ baseURL: 'http://flag:3/v1', model: 'flag-model', sources: { baseURL: 'flag', model: 'flag' } });

    const fromEnv = await resolveProvider({ cwd, env });
    expect(fromEnv).toMatchObject({ baseURL: 'http://env:2/v1', model: 'env-model', sources: { baseURL: 'env', model: 'env' } });

    const fromFile = await resolveProvider({ cwd, env: {} });
    expect(fromFile).toMatchObject({ baseURL: 'http://config:1/v1', model: 'config-model', sources: { baseURL: 'config', model: 'config' } });
    expect(fromFile.configFile).toBe(path.join(cwd, '.claude', 'whitebox.json'));
  });

  it('treats empty environment variables as unset', async () => {
    await writeConfig({ llm: { baseURL: 'http://config:1/v1', model: 'm' } });
    const provider = await resolveProvider({ cwd, env: { OPENAI_BASE_URL: '', WHITEBOX_MODEL: '  ' } });
    expect(provider).toMatchObject({ baseURL: 'http://config:1/v1', model: 'm' });
  });

  it('defaults to OpenAI when only a key is set', async () => {
    const provider = await resolveProvider({ cwd, env: { OPENAI_API_KEY: KEY, WHITEBOX_MODEL: 'gpt-4.1-mini' } });
    expect(provider).toMatchObject({ baseURL: 'https://api.openai.com/v1', apiKey: KEY, sources: { baseURL: 'default', apiKey: 'env' } });
  });

  it('reads the key from the variable named by llm.apiKeyEnv', async () => {
    await writeConfig({ llm: { baseURL: 'https://openrouter.ai/api/v1', model: 'x', apiKeyEnv: 'OPENROUTER_API_KEY' } });
    const provider = await resolveProvider({ cwd, env: { OPENROUTER_API_KEY: KEY } });
    expect(provider.apiKey).toBe(KEY);
    expect(provider.sources.apiKey).toBe('config');
  });

  it('needs no key for a local server', async () => {
    const provider = await resolveProvider({ cwd, env: { OPENAI_BASE_URL: 'http://localhost:11434/v1/', WHITEBOX_MODEL: 'llama3.2' } });
    expect(provider).toMatchObject({ baseURL: 'http://localhost:11434/v1', apiKey: undefined });
  });

  it('says what to set for every supported server when nothing is configured', async () => {
    const error = await resolveProvider({ cwd, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderNotConfiguredError);
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).toMatch(/^No LLM provider is configured/);
    for (const needle of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'WHITEBOX_MODEL', 'https://api.openai.com/v1', 'http://localhost:11434/v1', 'http://localhost:8000/v1', 'http://localhost:1234/v1', 'llm-sim', '.claude/whitebox.json']) {
      expect(message).toContain(needle);
    }
  });

  it('demands a key for api.openai.com', async () => {
    await expect(resolveProvider({ cwd, env: { OPENAI_BASE_URL: 'https://api.openai.com/v1', WHITEBOX_MODEL: 'gpt-4o' } })).rejects.toThrow(
      /https:\/\/api.openai.com\/v1 needs an API key, but OPENAI_API_KEY is not set/,
    );
  });

  it('demands a model unless requireModel is false', async () => {
    const env = { OPENAI_BASE_URL: 'http://localhost:8000/v1' };
    await expect(resolveProvider({ cwd, env })).rejects.toThrow(/No model is configured for http:\/\/localhost:8000\/v1/);
    await expect(resolveProvider({ cwd, env, requireModel: false })).resolves.toMatchObject({ model: undefined, sources: { model: 'unset' } });
  });

  it('names the source of a malformed base URL', async () => {
    await expect(resolveProvider({ cwd, env: { OPENAI_BASE_URL: 'localhost:11434' }, model: 'm' })).rejects.toThrow(
      /OPENAI_BASE_URL must be an http\(s\) URL, got "localhost:11434"/,
    );
    await expect(resolveProvider({ cwd, env: {}, baseURL: 'not a url', model: 'm' })).rejects.toThrow(/--base-url is not a URL: "not a url"/);
  });

  it('merges config prices over the built-in table and passes retry settings through', async () => {
    await writeConfig({ llm: { baseURL: 'http://h/v1', model: 'm', prices: { 'my-model': { input: 1, output: 2 } }, maxAttempts: 2, timeoutMs: 5000 } });
    const provider = await resolveProvider({ cwd, env: {} });
    expect(provider.prices['my-model']).toEqual({ input: 1, output: 2 });
    expect(provider.prices['gpt-4o']).toBeDefined();
    expect(provider.retry).toEqual({ maxAttempts: 2 });
    expect(provider.timeoutMs).toBe(5000);
  });

  it('fails when an explicit config file is missing, but not the default one', async () => {
    await expect(resolveProvider({ cwd, env: {}, configFile: 'nope.json' })).rejects.toThrow(/nope\.json: cannot read the config file/);
    await expect(resolveProvider({ cwd, env: { OPENAI_BASE_URL: 'http://h/v1', WHITEBOX_MODEL: 'm' } })).resolves.toMatchObject({ configFile: undefined });
  });

  it('never shows the key when the config is logged or serialised', async () => {
    const provider = await resolveProvider({ cwd, env: { OPENAI_API_KEY: KEY, WHITEBOX_MODEL: 'gpt-4o' } });
    expect(provider.apiKey).toBe(KEY);
    expect(JSON.stringify(provider)).not.toContain(KEY);
    expect(inspect(provider)).not.toContain(KEY);
    expect(describeProvider(provider)).toBe('https://api.openai.com/v1 (default), model gpt-4o (env), API key set (env)');
  });
});

describe(loadLlmFileConfig, () => {
  it('returns an empty block when the file has no llm key, and ignores other tools\' keys', async () => {
    const file = await writeConfig({ hooks: [] });
    await expect(loadLlmFileConfig(file)).resolves.toEqual({});
  });

  it.each([
    [{ llm: { model: 3 } }, /whitebox\.json: llm\.model: .*expected string/i],
    [{ llm: { baseURL: 'ftp://x' } }, /whitebox\.json: llm\.baseURL/],
    [{ llm: { prices: { m: { input: -1, output: 0 } } } }, /whitebox\.json: llm\.prices\.m\.input/],
    [{ llm: { modle: 'x' } }, /whitebox\.json: llm: .*modle/],
    [{ llm: { apiKey: KEY } }, /llm\.apiKey is not allowed, keys do not belong in config files/],
    [[1, 2], /expected a JSON object, got an array/],
    ['{ not json', /whitebox\.json: not valid JSON/],
  ])('rejects %j naming the file and the field', async (content, message) => {
    const file = await writeConfig(content);
    const error = await loadLlmFileConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(KEY);
  });
});
