import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { parseResetDuration } from './rate-limit-headers.js';

/** The provider flags every LLM-backed Whitebox command shares. */
export interface LlmOptions {
  /** `--model`: overrides `WHITEBOX_MODEL` and the config file. */
  readonly model: string | undefined;
  /** `--base-url`: overrides `OPENAI_BASE_URL` and the config file. */
  readonly baseUrl: string | undefined;
  /** `--timeout`, in milliseconds: the limit for one call, retries included. */
  readonly timeout: number | undefined;
}

/**
 * Parses a duration flag: `30s`, `500ms`, `2m`, `1m30s`, or a bare number of seconds.
 *
 * @throws {UsageError} naming the flag and the value.
 */
export function parseDurationFlag(flag: string, value: unknown): number {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? parseResetDuration(value) : undefined;
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`--${flag} must be a positive duration such as 30s, 500ms or 2m, got "${String(value)}"`);
  }
  return ms;
}

/**
 * Adds `--model`, `--base-url` and `--timeout`. There is no key flag on purpose: command lines
 * end up in shell history and `ps` output, so keys come from `OPENAI_API_KEY`.
 */
export function withLlmOptions<T>(yargs: Argv<T>): Argv<T & LlmOptions> {
  return yargs
    .option('model', {
      alias: 'm',
      type: 'string',
      requiresArg: true,
      describe: 'Model to ask (default: WHITEBOX_MODEL, then llm.model in .claude/whitebox.json)',
    })
    .option('base-url', {
      type: 'string',
      requiresArg: true,
      describe: 'OpenAI-compatible base URL (default: OPENAI_BASE_URL, then llm.baseURL)',
    })
    .option('timeout', {
      type: 'string',
      requiresArg: true,
      describe: 'Limit per call, retries included: 30s, 2m, 500ms',
      coerce: (value: unknown) => (value === undefined ? undefined : parseDurationFlag('timeout', value)),
    }) as unknown as Argv<T & LlmOptions>;
}
