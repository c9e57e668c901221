import path from 'node:path';
import { PERF_LOG_RELATIVE_PATH } from '@whitebox/core';


/** Where {@link resolvePerfLog} looks. */
export interface ResolvePerfLogOptions {
  /** An explicit log file; wins over everything else. */
  readonly log?: string | undefined;
  /** The project whose `.claude/memory/` holds the log. */
  readonly projectDir?: string | undefined;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  readonly cwd?: string;
}

/**
 * The timing log to use: `--log`, else `<project>/.claude/memory/hook_performance.jsonl` where the
 * project is `--project-dir`, else `$CLAUDE_PROJECT_DIR` (set for every hook), else the cwd.
 */
export function resolvePerfLog(options: ResolvePerfLogOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  if (options.log !== undefined && options.log !== '') return path.resolve(cwd, options.log);
  const env = options.env ?? process.env;
  const project = options.projectDir || env['CLAUDE_PROJECT_DIR'] || cwd;
  return path.resolve(cwd, project, PERF_LOG_RELATIVE_PATH);
}
