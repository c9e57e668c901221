import path from 'node:path';
import type { ConfigCacheEntry } from './config-cache.js';
import type { ExecutorConfig } from './executor-config.js';
import { CONFIG_CACHE_RELATIVE_PATH, CONFIG_CACHE_VERSION } from './executor-constants.js';
import { writePrivateFile } from './server-state.js';

/**
 * Records a configuration that just passed validation, for `readCachedConfig`. Never throws: the
 * cache is an optimisation, and a read-only project still works without it.
 */
export function writeConfigCache(projectDir: string, configPath: string, source: string, config: ExecutorConfig, warnings: readonly string[]): void {
  try {
    const entry: ConfigCacheEntry = { v: CONFIG_CACHE_VERSION, configPath, source, config, warnings };
    writePrivateFile(path.join(projectDir, CONFIG_CACHE_RELATIVE_PATH), JSON.stringify(entry));
  } catch {
    // no cache, no head start
  }
}
