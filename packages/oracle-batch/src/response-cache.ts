import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { UsageSchema, VerdictSchema } from './oracle-report.js';

/** One cached persona answer. */
export const CachedAnswerSchema = z.object({
  createdAt: z.number(),
  model: z.string(),
  verdict: VerdictSchema,
  usage: UsageSchema,
  costUsd: z.number().nullable(),
});

/** One cached persona answer. */
export type CachedAnswer = z.infer<typeof CachedAnswerSchema>;

/** An on-disk store of persona answers, so the same question is not paid for twice. */
export interface ResponseCache {
  /** The answer stored under `key`, or `undefined` when there is none, it expired or it is unreadable. */
  get(key: string): Promise<CachedAnswer | undefined>;
  /** Stores `answer` under `key`, atomically (a concurrent reader sees the old file or the new one). */
  set(key: string, answer: CachedAnswer): Promise<void>;
}

/** Options for {@link createResponseCache}. */
export interface ResponseCacheOptions {
  /** The cache directory; created on the first write. @default defaultCacheDir() */
  readonly dir?: string;
  /** How long an answer stays valid, in milliseconds. @default 86400000 (24 h) */
  readonly ttlMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The default time-to-live of cached answers: 24 hours. */
export const DEFAULT_CACHE_TTL_MS = 24 * 60 * 60 * 1000;

/** `$XDG_CACHE_HOME/whitebox/oracle`, else `~/.cache/whitebox/oracle`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'whitebox', 'oracle');
}

/** What a cached answer depends on. */
export interface CacheKeyParts {
  /** The endpoint: the same model name can mean different models on different servers. */
  readonly baseURL: string;
  readonly model: string;
  /** The persona's name and full prompt, so editing a persona file invalidates its answers. */
  readonly persona: { readonly name: string; readonly systemPrompt: string; readonly temperature: number | undefined };
  readonly proposal: string;
}

/** A SHA-256 over model, persona and proposal (and endpoint); the cache file's name. */
export function cacheKey(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    1,
    parts.baseURL,
    parts.model,
    parts.persona.name,
    parts.persona.systemPrompt,
    parts.persona.temperature ?? null,
    parts.proposal,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

/**
 * Opens an on-disk response cache: one JSON file per answer, named by {@link cacheKey}.
 *
 * @throws {TypeError} for a `ttlMs` that is not a positive number.
 */
export function createResponseCache(options: ResponseCacheOptions = {}): ResponseCache {
  const dir = options.dir ?? defaultCacheDir();
  const ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  if (typeof ttlMs !== 'number' || !(ttlMs > 0)) {
    throw new TypeError(`Expected \`ttlMs\` to be a positive number of milliseconds, got \`${String(ttlMs)}\` (${typeof ttlMs})`);
  }
  const now = options.now ?? Date.now;
  const fileOf = (key: string): string => {
    if (!/^[0-9a-f]{16,}$/.test(key)) throw new TypeError(`Expected \`key\` to be a hex digest, got \`${key}\` (${typeof key})`);
    return path.join(dir, `${key}.json`);
  };

  return {
    async get(key) {
      const file = fileOf(key);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return undefined;
      }
      let parsed: ReturnType<typeof CachedAnswerSchema.safeParse>;
      try {
        parsed = CachedAnswerSchema.safeParse(JSON.parse(text));
      } catch {
        return undefined;
      }
      if (!parsed.success) return undefined;
      if (now() - parsed.data.createdAt >= ttlMs) {
        await rm(file, { force: true });
        return undefined;
      }
      return parsed.data;
    },
    async set(key, answer) {
      const file = fileOf(key);
      await mkdir(dir, { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, `${JSON.stringify(answer)}\n`);
      await rename(temp, file);
    },
  };
}
