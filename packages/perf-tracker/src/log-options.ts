import type { Argv } from 'yargs';

/** Adds `--log <file>` and `--project-dir <dir>`, which every command uses to find the timing log. */
export function withLogOptions<T>(yargs: Argv<T>): Argv<T & { log: string | undefined; projectDir: string | undefined }> {
  return yargs
    .option('log', {
      type: 'string',
      requiresArg: true,
      describe: 'Timing log to use (default: <project>/.claude/memory/hook_performance.jsonl)',
    })
    .option('project-dir', {
      type: 'string',
      requiresArg: true,
      describe: 'Project whose log to use (default: $CLAUDE_PROJECT_DIR, then the current directory)',
    }) as unknown as Argv<T & { log: string | undefined; projectDir: string | undefined }>;
}
