import { readFile } from 'node:fs/promises';
import path from 'node:path';

// No import of zod or of the @whitebox/core barrel here: this module is on the hook's start-up
// path, and the barrel evaluates yargs and zod (about 40 ms per Read). Errors load core lazily.

/** What the hook does with a large whole-file Read. */
export type OffloadMode =
  /** Allow the read and add context that suggests an Explore sub-agent. */
  | 'warn'
  /** Deny the read with that suggestion as the reason. */
  | 'strict'
  /** Do nothing. */
  | 'off';

/** The modes, in the order `--help` lists them. */
export const OFFLOAD_MODES: readonly OffloadMode[] = ['warn', 'strict', 'off'];

/** The thresholds and wording knobs shared by `hook` and `plan`. */
export interface OffloadSettings {
  /** @default 'warn' */
  readonly mode: OffloadMode;
  /** A file with more lines than this is large. @default 1000 */
  readonly maxLines: number;
  /**
   * A file with more bytes than this is large, whatever its line count (minified code, logs with
   * long lines). 100,000 bytes is about 25,000 tokens, the Read tool's own output cap.
   * @default 100000
   */
  readonly maxBytes: number;
  /** The summary a sub-agent is asked for is at most this many lines. @default 40 */
  readonly maxSummaryLines: number;
  /**
   * The hook reads at most this many bytes to count lines; beyond it the count is extrapolated.
   * It is above `maxBytes`, so files under the byte threshold are always counted exactly.
   * @default 262144
   */
  readonly maxScanBytes: number;
  /** How many sub-agents `plan` splits the files between. @default 4 */
  readonly batches: number;
  /** The `subagent_type` the suggestions and prompts name. @default 'Explore' */
  readonly subagentType: string;
}

/** The defaults every unset setting falls back to. */
export const DEFAULT_OFFLOAD_SETTINGS: OffloadSettings = Object.freeze({
  mode: 'warn',
  maxLines: 1000,
  maxBytes: 100_000,
  maxSummaryLines: 40,
  maxScanBytes: 256 * 1024,
  batches: 4,
  subagentType: 'Explore',
});

/** The project config file, shared by the Whitebox tools; agent-offload reads its `agentOffload` block. */
export const DEFAULT_OFFLOAD_CONFIG_FILE = path.join('.claude', 'whitebox.json');

/**
 * The `agentOffload` block of `.claude/whitebox.json`. Every field is optional; flags win over it.
 *
 * @example
 * { "agentOffload": { "mode": "strict", "maxLines": 2000, "maxSummaryLines": 30 } }
 */
export type OffloadConfig = Partial<OffloadSettings>;

const INTEGER_FIELDS = ['maxLines', 'maxBytes', 'maxSummaryLines', 'maxScanBytes', 'batches'] as const;
const CONFIG_FIELDS: ReadonlySet<string> = new Set(['mode', 'subagentType', ...INTEGER_FIELDS]);

/**
 * Reads the `agentOffload` block of a config file. Checked by hand rather than with a zod schema
 * because the hook reads it on every Read and zod alone costs ~15 ms to load.
 *
 * @param required - When false, a missing file is not an error and yields `undefined`.
 * @returns The block (`{}` when the file has none), or `undefined` for a missing optional file.
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and field when the file cannot be read,
 * is not JSON, or a field is unknown or has the wrong type.
 */
export async function loadOffloadConfig(file: string, required = false): Promise<OffloadConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw await configError(`${file}: cannot read the config file (${(error as Error).message})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw await configError(`${file}: not valid JSON (${(error as Error).message})`, error);
  }
  if (!isRecord(json)) throw await configError(`${file}: expected a JSON object, received ${describe(json)}`);
  const block = json['agentOffload'];
  if (block === undefined) return {};
  const problem = findConfigProblem(block);
  if (problem !== undefined) throw await configError(`${file}: ${problem}`);
  return block as OffloadConfig;
}

function findConfigProblem(block: unknown): string | undefined {
  if (!isRecord(block)) return `agentOffload: expected an object, received ${describe(block)}`;
  for (const [key, value] of Object.entries(block)) {
    const where = `agentOffload.${key}`;
    if (!CONFIG_FIELDS.has(key)) return `${where}: unknown field; expected one of ${[...CONFIG_FIELDS].join(', ')}`;
    if (key === 'mode') {
      if (!OFFLOAD_MODES.includes(value as OffloadMode)) {
        return `${where}: expected one of ${OFFLOAD_MODES.map((m) => JSON.stringify(m)).join(', ')}, received ${describe(value)}`;
      }
    } else if (key === 'subagentType') {
      if (typeof value !== 'string' || value.trim() === '') return `${where}: expected a non-empty string, received ${describe(value)}`;
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      return `${where}: expected an integer ≥ 1, received ${describe(value)}`;
    }
  }
  return undefined;
}

async function configError(message: string, cause?: unknown): Promise<Error> {
  const { WhiteboxError } = await import('./lazy-core.js');
  return new WhiteboxError('CONFIG_INVALID', message, cause === undefined ? undefined : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * Fills unset fields from {@link DEFAULT_OFFLOAD_SETTINGS} and checks the result.
 * Later layers win: `resolveOffloadSettings(config, flags)`.
 *
 * @throws {TypeError} naming the field, the value and its type when a value is out of range.
 */
export function resolveOffloadSettings(...layers: ReadonlyArray<Partial<OffloadSettings> | undefined>): OffloadSettings {
  const merged: Record<string, unknown> = { ...DEFAULT_OFFLOAD_SETTINGS };
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) merged[key] = value;
  }
  const settings = merged as unknown as OffloadSettings;
  if (!OFFLOAD_MODES.includes(settings.mode)) {
    throw new TypeError(`Expected \`mode\` to be one of ${OFFLOAD_MODES.join(', ')}, got \`${String(settings.mode)}\` (${typeof settings.mode})`);
  }
  for (const key of INTEGER_FIELDS) {
    const value = settings[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new TypeError(`Expected \`${key}\` to be an integer ≥ 1, got \`${String(value)}\` (${typeof value})`);
    }
  }
  if (typeof settings.subagentType !== 'string' || settings.subagentType.trim() === '') {
    throw new TypeError(`Expected \`subagentType\` to be a non-empty string, got \`${String(settings.subagentType)}\` (${typeof settings.subagentType})`);
  }
  return settings;
}

/**
 * Where to look for the config: `--config` (relative to the process's working directory), else
 * `.claude/whitebox.json` in the project. The project is `CLAUDE_PROJECT_DIR` when Claude Code
 * sets it, because a hook input's `cwd` follows `cd` into sub-directories and would miss the file.
 */
export function offloadConfigPath(options: {
  /** The `--config` flag. */
  readonly config?: string | undefined;
  /** The directory to use when `CLAUDE_PROJECT_DIR` is unset: the hook input's `cwd`, or the CLI's. */
  readonly cwd: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}): { readonly file: string; readonly required: boolean } {
  if (options.config !== undefined) return { file: path.resolve(options.config), required: true };
  const projectDir = (options.env ?? process.env)['CLAUDE_PROJECT_DIR'] || options.cwd;
  return { file: path.resolve(projectDir, DEFAULT_OFFLOAD_CONFIG_FILE), required: false };
}
