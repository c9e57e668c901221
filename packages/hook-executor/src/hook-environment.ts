/** Options for {@link hookEnvironment}. */
export interface HookEnvironmentOptions {
  /** The environment to start from: Claude Code's, as inherited by `run`, or the server's own. */
  readonly base: Readonly<Record<string, string | undefined>>;
  /**
   * The project directory. Used for `CLAUDE_PROJECT_DIR` when `base` has none (the server, or a
   * manual run); Claude Code's own value always wins because it does not follow `cd` or worktrees.
   */
  readonly projectDir: string;
  /** The hook input; `effort.level` becomes `CLAUDE_EFFORT` when Claude Code did not set it. */
  readonly input?: Readonly<Record<string, unknown>>;
  /** The hook's own `env`, applied last. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The environment a hook runs with, as Claude Code builds it (hooks reference, "Environment"):
 * the parent environment without `OTEL_*` variables, `CLAUDE_PROJECT_DIR` and `CLAUDE_EFFORT`,
 * then the hook's own `env`.
 */
export function hookEnvironment(options: HookEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.base)) {
    // Claude Code strips OpenTelemetry settings so hooks do not report into the session's traces.
    if (value !== undefined && !key.startsWith('OTEL_')) env[key] = value;
  }
  env['CLAUDE_PROJECT_DIR'] ??= options.projectDir;
  const effort = options.input?.['effort'];
  if (env['CLAUDE_EFFORT'] === undefined && typeof effort === 'object' && effort !== null) {
    const level = (effort as Record<string, unknown>)['level'];
    if (typeof level === 'string') env['CLAUDE_EFFORT'] = level;
  }
  return options.extra ? Object.assign(env, options.extra) : env;
}
