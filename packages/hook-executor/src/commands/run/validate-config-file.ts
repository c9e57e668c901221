import { readFile } from 'node:fs/promises';
import { WhiteboxError } from '@whitebox/core';
import type { CachedConfig } from '../../config-cache.js';
import { parseExecutorConfig } from '../../load-executor-config.js';
import { writeConfigCache } from '../../write-config-cache.js';

/** What {@link validateConfigFile} found: the config and its warnings, or why it cannot be used. */
export type ValidatedConfigFile = { readonly ok: true; readonly cached: CachedConfig } | { readonly ok: false; readonly message: string };

/**
 * Validates the config file for `run` when it changed since it last passed, and caches the result
 * for the next runs. It is the only part of `run` that needs zod's full API, so the bundle loads it
 * on its own, and only then. It returns rather than throws: it is a separate bundle, where the
 * caller's `WhiteboxError` is another class.
 *
 * @param text - The file's text as `run` read it; `''` when it exists but could not be read.
 */
export async function validateConfigFile(projectDir: string, configPath: string, text: string): Promise<ValidatedConfigFile> {
  try {
    let source = text;
    if (source === '') {
      try {
        source = await readFile(configPath, 'utf8');
      } catch (error) {
        return { ok: false, message: `Cannot read ${configPath}: ${(error as Error).message}` };
      }
    }
    const { config, warnings } = parseExecutorConfig(source, configPath);
    writeConfigCache(projectDir, configPath, source, config, warnings);
    return { ok: true, cached: { config, warnings } };
  } catch (error) {
    if (error instanceof WhiteboxError) return { ok: false, message: error.message };
    throw error;
  }
}
