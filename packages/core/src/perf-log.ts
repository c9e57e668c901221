import path from 'node:path';

/*
 * Where timing records go and how hooks are named in them. Kept apart from the zod schema in
 * perf-record.ts so that hook commands, which run on every prompt, can import these without
 * loading zod: core is side-effect free, so a bundler keeps only the modules a CLI imports.
 */

/** Where timings live, relative to the project directory. */
export const PERF_LOG_RELATIVE_PATH = '.claude/memory/hook_performance.jsonl';

/**
 * Names a hook that has no id by a short hash of its command, so records group by hook without
 * storing the command line (which may carry paths, tokens or arguments).
 *
 * @example hookIdForCommand('node ~/.claude/hooks/lint.js') // 'cmd:3f2a9c1d0b7e'
 */
export function hookIdForCommand(command: string): string {
  // Loaded on first use: most hooks have an id, and node:crypto adds ~2 ms to a hook's start-up.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return `cmd:${createHash('sha256').update(command).digest('hex').slice(0, 12)}`;
}

/** The timing log of a project: `<projectDir>/.claude/memory/hook_performance.jsonl`. */
export function perfLogPath(projectDir: string): string {
  return path.join(projectDir, PERF_LOG_RELATIVE_PATH);
}
