import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutorConfig } from './executor-config.js';
import { serverPaths, writePrivateFile } from './server-state.js';

// Bump when validation changes what a config means, so older cache entries are ignored.
const CACHE_VERSION = 1;

interface ConfigCacheEntry {
  readonly v: number;
  readonly configPath: string;
  readonly source: string;
  readonly config: ExecutorConfig;
}

/**
 * The last configuration that passed validation, when the file still has exactly the text it had
 * then. This lets `run` know its hooks before loading the validator (zod is most of the executor's
 * start-up), so it can start them first and validate while they run. Kept in the project's
 * `.claude/hook-executor/` folder; a stale or unreadable cache is simply ignored.
 */
export function readCachedConfig(projectDir: string, configPath: string, source: string): ExecutorConfig | undefined {
  try {
    const entry = JSON.parse(readFileSync(cacheFile(projectDir), 'utf8')) as Partial<ConfigCacheEntry>;
    if (entry.v !== CACHE_VERSION || entry.configPath !== configPath || entry.source !== source) return undefined;
    return entry.config;
  } catch {
    return undefined;
  }
}

/** Records a configuration that just passed validation. Never throws: the cache is an optimisation. */
export function writeConfigCache(projectDir: string, configPath: string, source: string, config: ExecutorConfig): void {
  try {
    const entry: ConfigCacheEntry = { v: CACHE_VERSION, configPath, source, config };
    writePrivateFile(cacheFile(projectDir), JSON.stringify(entry));
  } catch {
    // A read-only project still works, just without the head start.
  }
}

function cacheFile(projectDir: string): string {
  return path.join(serverPaths(projectDir).dir, 'config-cache.json');
}
