import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError, WhiteboxError } from '../errors.js';
import { DEFAULT_PRICES } from './pricing.js';
import type { PriceTable } from './pricing.js';
import type { RetryPolicy } from './retry.js';

/** Where a resolved provider setting came from, for `--verbose` and for error messages. */
export type ProviderSource = 'flag' | 'env' | 'config' | 'default' | 'unset';

/** Base URLs of the OpenAI-compatible servers Whitebox is tested against. */
export const PROVIDER_BASE_URLS = {
  openai: 'https://api.openai.com/v1',
  ollama: 'http://localhost:11434/v1',
  vllm: 'http://localhost:8000/v1',
  lmStudio: 'http://localhost:1234/v1',
} as const;

/** The default config file, relative to the working directory. */
export const DEFAULT_LLM_CONFIG_FILE = path.join('.claude', 'whitebox.json');

/**
 * The `llm` block of `.claude/whitebox.json`. Every field is optional; flags and environment
 * variables win over it. There is deliberately no `apiKey` field: keys do not belong in files that
 * get committed, so `apiKeyEnv` names the variable that holds the key instead.
 *
 * @example
 * { "llm": { "baseURL": "http://localhost:11434/v1", "model": "llama3.2",
 *            "prices": { "llama3.2": { "input": 0, "output": 0 } } } }
 */
export const LlmFileConfigSchema = z.strictObject({
  /** The OpenAI-compatible base URL, ending in `/v1`. */
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  /** The default model. */
  model: z.string().min(1).optional(),
  /** The environment variable holding the API key. @default "OPENAI_API_KEY" */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: z.number().int().positive().optional(),
  /** Total time budget of one call, retries included, in milliseconds. */
  deadlineMs: z.number().int().positive().optional(),
  /** Attempts per call, the first included. */
  maxAttempts: z.number().int().min(1).optional(),
  /** Ceiling on a server's `retry-after`, in milliseconds. */
  retryAfterCapMs: z.number().int().min(0).optional(),
  /** Prices in $ per 1M tokens, merged over the built-in table. */
  prices: z.record(z.string().min(1), z.strictObject({ input: z.number().min(0), output: z.number().min(0) })).optional(),
});

/** The parsed `llm` block of the config file. */
export type LlmFileConfig = z.infer<typeof LlmFileConfigSchema>;

/** The provider every LLM call goes to, after flags, environment and config file were merged. */
export interface ProviderConfig {
  /** The OpenAI-compatible base URL. */
  readonly baseURL: string;
  /** The API key; not enumerable, so `JSON.stringify` and `console.log` of the config never show it. */
  readonly apiKey: string | undefined;
  /** The default model, `undefined` when none was configured and `requireModel` was false. */
  readonly model: string | undefined;
  /** The built-in prices with the config file's overrides on top. */
  readonly prices: PriceTable;
  /** Per-attempt timeout from the config file. */
  readonly timeoutMs: number | undefined;
  /** Total deadline per call from the config file. */
  readonly deadlineMs: number | undefined;
  /** Retry settings from the config file. */
  readonly retry: RetryPolicy;
  /** Where each of the three main settings came from. */
  readonly sources: { readonly baseURL: ProviderSource; readonly apiKey: ProviderSource; readonly model: ProviderSource };
  /** The config file that was read, if any. */
  readonly configFile: string | undefined;
}

/** Options for {@link resolveProvider}: the flag values plus where to look for the rest. */
export interface ResolveProviderOptions {
  /** `--base-url`. */
  readonly baseURL?: string | undefined;
  /** An explicit key (library callers; CLIs should not take keys as flags, they end up in shell history). */
  readonly apiKey?: string | undefined;
  /** `--model`. */
  readonly model?: string | undefined;
  /** An explicit config file (`--config`); unlike the default one, it must exist. */
  readonly configFile?: string | undefined;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Fail when no model is configured anywhere. @default true */
  readonly requireModel?: boolean;
}

/**
 * Thrown when no provider or no model is configured. It is a {@link UsageError} (exit code 2):
 * nothing was sent, and the message lists what to set for OpenAI, Ollama, vLLM, LM Studio and llm-sim.
 */
export class ProviderNotConfiguredError extends UsageError {
  override name = 'ProviderNotConfiguredError';
}

const SETUP_HELP = [
  'Set a base URL (--base-url, OPENAI_BASE_URL or "llm.baseURL" in .claude/whitebox.json)',
  'and a model (--model, WHITEBOX_MODEL or "llm.model"), for example:',
  `  OpenAI     OPENAI_API_KEY=<your key> WHITEBOX_MODEL=gpt-4.1-mini   (base URL defaults to ${PROVIDER_BASE_URLS.openai})`,
  `  Ollama     OPENAI_BASE_URL=${PROVIDER_BASE_URLS.ollama} WHITEBOX_MODEL=llama3.2`,
  `  vLLM       OPENAI_BASE_URL=${PROVIDER_BASE_URLS.vllm} WHITEBOX_MODEL=<the served model>`,
  `  LM Studio  OPENAI_BASE_URL=${PROVIDER_BASE_URLS.lmStudio} WHITEBOX_MODEL=<the loaded model>`,
  '  llm-sim    run `llm-sim serve` (the offline simulator), then OPENAI_BASE_URL=http://127.0.0.1:8787/v1 WHITEBOX_MODEL=gpt-4o-mini',
].join('\n');

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Reads the `llm` block of a Whitebox config file.
 *
 * @param required - Throw when the file is missing (an explicit `--config`) instead of returning `undefined`.
 * @returns The block (empty when the file has none), or `undefined` when the file does not exist.
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and the field at fault.
 */
export async function loadLlmFileConfig(file: string, required = false): Promise<LlmFileConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WhiteboxError('CONFIG_INVALID', `${file}: cannot read the config file (${(error as Error).message})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: expected a JSON object, got ${Array.isArray(json) ? 'an array' : typeof json}`);
  }
  const block = (json as Record<string, unknown>)['llm'];
  if (block === undefined) return {};
  if (typeof block === 'object' && block !== null && 'apiKey' in block) {
    throw new WhiteboxError(
      'CONFIG_INVALID',
      `${file}: llm.apiKey is not allowed, keys do not belong in config files; set OPENAI_API_KEY, or name the variable that holds the key with "llm.apiKeyEnv"`,
    );
  }
  const parsed = LlmFileConfigSchema.safeParse(block);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['llm', ...(issue?.path ?? []).map(String)].join('.');
    throw new WhiteboxError('CONFIG_INVALID', `${file}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function checkUrl(value: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderNotConfiguredError(`${origin} is not a URL: "${value}"; expected something like ${PROVIDER_BASE_URLS.ollama}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderNotConfiguredError(`${origin} must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * Decides which OpenAI-compatible endpoint, key and model to use. Each setting is taken from the
 * first place that has it: flags (the options), then the environment (`OPENAI_BASE_URL`,
 * `OPENAI_API_KEY`, `WHITEBOX_MODEL`), then the `llm` block of `.claude/whitebox.json`.
 * A key without a base URL means OpenAI itself; local servers need no key.
 *
 * @throws {ProviderNotConfiguredError} when nothing is configured, or no model is (see `requireModel`);
 *   the message says what to set.
 * @throws {WhiteboxError} `CONFIG_INVALID` for a malformed config file.
 * @example
 * const provider = await resolveProvider({ model: argv.model, baseURL: argv.baseUrl, configFile: argv.config });
 */
export async function resolveProvider(options: ResolveProviderOptions = {}): Promise<ProviderConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configFile =
    options.configFile === undefined ? path.resolve(cwd, DEFAULT_LLM_CONFIG_FILE) : path.resolve(cwd, options.configFile);
  const file = await loadLlmFileConfig(configFile, options.configFile !== undefined);

  let baseURL: string | undefined;
  let baseSource: ProviderSource = 'unset';
  if (nonEmpty(options.baseURL)) {
    baseURL = checkUrl(nonEmpty(options.baseURL) as string, '--base-url');
    baseSource = 'flag';
  } else if (nonEmpty(env['OPENAI_BASE_URL'])) {
    baseURL = checkUrl(nonEmpty(env['OPENAI_BASE_URL']) as string, 'OPENAI_BASE_URL');
    baseSource = 'env';
  } else if (file?.baseURL) {
    baseURL = checkUrl(file.baseURL, `${configFile}: llm.baseURL`);
    baseSource = 'config';
  }

  let apiKey: string | undefined;
  let keySource: ProviderSource = 'unset';
  const keyEnv = file?.apiKeyEnv;
  if (nonEmpty(options.apiKey)) {
    apiKey = nonEmpty(options.apiKey);
    keySource = 'flag';
  } else if (nonEmpty(env['OPENAI_API_KEY'])) {
    apiKey = nonEmpty(env['OPENAI_API_KEY']);
    keySource = 'env';
  } else if (keyEnv !== undefined && nonEmpty(env[keyEnv])) {
    apiKey = nonEmpty(env[keyEnv]);
    keySource = 'config';
  }

  if (baseURL === undefined) {
    if (apiKey === undefined) {
      throw new ProviderNotConfiguredError(`No LLM provider is configured.\n${SETUP_HELP}`);
    }
    baseURL = PROVIDER_BASE_URLS.openai;
    baseSource = 'default';
  }
  if (apiKey === undefined && new URL(baseURL).hostname === 'api.openai.com') {
    const where = keyEnv === undefined ? 'OPENAI_API_KEY' : `OPENAI_API_KEY or ${keyEnv} (llm.apiKeyEnv)`;
    throw new ProviderNotConfiguredError(`${baseURL} needs an API key, but ${where} is not set.\n${SETUP_HELP}`);
  }

  let model: string | undefined;
  let modelSource: ProviderSource = 'unset';
  if (nonEmpty(options.model)) {
    model = nonEmpty(options.model);
    modelSource = 'flag';
  } else if (nonEmpty(env['WHITEBOX_MODEL'])) {
    model = nonEmpty(env['WHITEBOX_MODEL']);
    modelSource = 'env';
  } else if (file?.model) {
    model = file.model;
    modelSource = 'config';
  }
  if (model === undefined && options.requireModel !== false) {
    throw new ProviderNotConfiguredError(`No model is configured for ${baseURL}.\n${SETUP_HELP}`);
  }

  const config = {
    baseURL,
    model,
    prices: { ...DEFAULT_PRICES, ...file?.prices },
    timeoutMs: file?.timeoutMs,
    deadlineMs: file?.deadlineMs,
    retry: {
      ...(file?.maxAttempts === undefined ? {} : { maxAttempts: file.maxAttempts }),
      ...(file?.retryAfterCapMs === undefined ? {} : { retryAfterCapMs: file.retryAfterCapMs }),
    },
    sources: { baseURL: baseSource, apiKey: keySource, model: modelSource },
    configFile: file === undefined ? undefined : configFile,
  };
  return Object.defineProperty(config, 'apiKey', { value: apiKey, enumerable: false }) as ProviderConfig;
}

/**
 * One line about the provider for `--verbose` output. It says whether a key is set and where it
 * came from, never any part of the key.
 */
export function describeProvider(config: ProviderConfig): string {
  const key = config.apiKey === undefined ? 'no API key' : `API key set (${config.sources.apiKey})`;
  const model = config.model === undefined ? 'no default model' : `model ${config.model} (${config.sources.model})`;
  return `${config.baseURL} (${config.sources.baseURL}), ${model}, ${key}`;
}
