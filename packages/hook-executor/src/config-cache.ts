import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutorConfig } from './executor-config.js';
import { CONFIG_CACHE_RELATIVE_PATH, CONFIG_CACHE_VERSION } from './executor-constants.js';

/** One entry of the validated-config cache. */
export interface ConfigCacheEntry {
  readonly v: number;
  readonly configPath: string;
  readonly source: string;
  readonly config: ExecutorConfig;
  /** The warnings validation gave, repeated on every run as if it had validated again. */
  readonly warnings: readonly string[];
}

/** A configuration that passed validation, as the cache holds it. */
export type CachedConfig = Pick<ConfigCacheEntry, 'config' | 'warnings'>;

/**
 * The last configuration that passed validation, when the file still has exactly the text it had
 * then. This lets `run` know its hooks before loading the validator (zod is most of the executor's
 * start-up), so it can start them first and validate while they run. Kept in the project's
 * `.claude/hook-executor/` folder; a stale or unreadable cache is simply ignored.
 */
export function readCachedConfig(projectDir: string, configPath: string, source: string): CachedConfig | undefined {
  try {
    const entry = JSON.parse(readFileSync(path.join(projectDir, CONFIG_CACHE_RELATIVE_PATH), 'utf8')) as Partial<ConfigCacheEntry>;
    if (entry.v !== CONFIG_CACHE_VERSION || entry.configPath !== configPath || entry.source !== source) return undefined;
    if (entry.config === undefined || !Array.isArray(entry.warnings)) return undefined;
    return { config: entry.config, warnings: entry.warnings };
  } catch {
    return undefined;
  }
}
