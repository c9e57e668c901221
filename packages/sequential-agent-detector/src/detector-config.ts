import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WhiteboxError } from '@whitebox/core';

/**
 * What the `hook` command does with a sequential sub-agent call:
 * - `block`: deny it with a reason that teaches batching; re-issuing it unchanged is then allowed;
 * - `warn`: allow it and add context that teaches batching;
 * - `off`: do nothing.
 */
export type DetectorMode = 'block' | 'warn' | 'off';

/** The modes, for flag choices and validation. */
export const DETECTOR_MODES: readonly DetectorMode[] = ['block', 'warn', 'off'];

/** Where the config file lives, relative to the project directory. */
export const DETECTOR_CONFIG_FILE = '.claude/sequential-agent-detector.json';

/** The config file's fields; each is optional and a flag overrides it. */
export interface DetectorConfig {
  /** @default 'block' */
  readonly mode?: DetectorMode;
  /** Least time a lone call waits for siblings of its batch before it is judged. @default 40 */
  readonly waitMs?: number;
  /** Most time it waits when the machine is slow to start hook processes. @default 160 */
  readonly maxWaitMs?: number;
  /** Where per-session state lives. @default `<os tmpdir>/whitebox-agent-detector-<user>` */
  readonly stateDir?: string;
  /** Read the transcript to confirm or recover what the state says. @default true */
  readonly transcript?: boolean;
  /** State of sessions idle this long is deleted. @default 72 */
  readonly pruneAfterHours?: number;
  /** Whether `remind` adds its reminder at all. @default true */
  readonly remind?: boolean;
}

/** A loaded config and where it came from. */
export interface LoadedDetectorConfig {
  readonly config: DetectorConfig;
  /** The file read, if any. */
  readonly path: string | undefined;
}

/**
 * Loads the config file: `file` when given (it must exist), else
 * `<projectDir>/.claude/sequential-agent-detector.json` when it exists, else nothing.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and the field when the JSON or a value
 * is wrong, `IO` when an explicit file cannot be read.
 */
export function loadDetectorConfig(options: { readonly file?: string | undefined; readonly projectDir?: string | undefined }): LoadedDetectorConfig {
  const path = options.file ?? (options.projectDir === undefined ? undefined : join(options.projectDir, DETECTOR_CONFIG_FILE));
  if (path === undefined) return { config: {}, path: undefined };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (options.file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, path: undefined };
    throw new WhiteboxError('IO', `Cannot read the config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WhiteboxError('CONFIG_INVALID', `${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return { config: validateDetectorConfig(value, path), path };
}

/**
 * Checks a parsed config object.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` naming `source` and the field, expected vs received.
 */
export function validateDetectorConfig(value: unknown, source = 'config'): DetectorConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WhiteboxError('CONFIG_INVALID', `${source}: expected a JSON object, received ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const record = value as Record<string, unknown>;
  const bad = (field: string, expected: string): never => {
    throw new WhiteboxError('CONFIG_INVALID', `${source}: "${field}" must be ${expected}, received ${JSON.stringify(record[field])}`);
  };
  const known = new Set(['$schema', 'mode', 'waitMs', 'maxWaitMs', 'stateDir', 'transcript', 'pruneAfterHours', 'remind']);
  for (const key of Object.keys(record)) {
    if (!known.has(key)) throw new WhiteboxError('CONFIG_INVALID', `${source}: unknown field "${key}"; known fields: ${[...known].slice(1).join(', ')}`);
  }
  const config: { -readonly [K in keyof DetectorConfig]: DetectorConfig[K] } = {};
  if (record['mode'] !== undefined) {
    if (!DETECTOR_MODES.includes(record['mode'] as DetectorMode)) bad('mode', `one of ${DETECTOR_MODES.join(', ')}`);
    config.mode = record['mode'] as DetectorMode;
  }
  for (const field of ['waitMs', 'maxWaitMs', 'pruneAfterHours'] as const) {
    const raw = record[field];
    if (raw === undefined) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) bad(field, 'a number ≥ 0');
    config[field] = raw as number;
  }
  if (record['stateDir'] !== undefined) {
    if (typeof record['stateDir'] !== 'string' || record['stateDir'] === '') bad('stateDir', 'a non-empty path');
    config.stateDir = record['stateDir'] as string;
  }
  for (const field of ['transcript', 'remind'] as const) {
    if (record[field] === undefined) continue;
    if (typeof record[field] !== 'boolean') bad(field, 'true or false');
    config[field] = record[field] as boolean;
  }
  return config;
}
