/**
 * Constants shared by the hot path and the rest. Kept apart from `executor-config.ts` because that
 * module builds zod schemas when loaded, which forwarding to the server must not pay for.
 */

/** Where hook-executor looks for its configuration, relative to the project directory. */
export const EXECUTOR_CONFIG_RELATIVE_PATH = '.claude/hook-executor.json';

/**
 * The key under which a hook with `receivesOutputs: true` finds its dependencies' results in its
 * input: `input.hook_executor_outputs[<dependency id>]` is a `DependencyOutput`. Snake case,
 * like every other field Claude Code puts in hook input.
 */
export const RECEIVES_OUTPUTS_KEY = 'hook_executor_outputs';

/**
 * Claude Code's default per-hook timeout in seconds: 600 for command hooks, 30 on UserPromptSubmit,
 * 10 on MessageDisplay (hooks reference, "Timeouts").
 */
export function defaultHookTimeoutSeconds(event: string): number {
  if (event === 'UserPromptSubmit') return 30;
  if (event === 'MessageDisplay') return 10;
  return 600;
}

/** The default TCP port of `hook-executor serve`. */
export const DEFAULT_SERVER_PORT = 47433;

/**
 * The `$schema` hook-executor writes into configs it creates: the schema shipped in the package,
 * relative to `.claude/` where the config lives.
 */
export const EXECUTOR_SCHEMA_REF = '../node_modules/@whitebox/hook-executor/schema/hook-executor.schema.json';

/** Bytes kept of each hook's stdout and stderr unless the config says otherwise. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1_048_576;

/** The request header that asks the server for a command-hook reply (exit code, stdout, stderr). */
export const COMMAND_REPLY_HEADER = 'x-hook-executor-reply';

/** The validated-config cache's format version; bump when validation changes what a config means. */
export const CONFIG_CACHE_VERSION = 2;

/** The validated-config cache, relative to the project directory. */
export const CONFIG_CACHE_RELATIVE_PATH = '.claude/hook-executor/config-cache.json';
