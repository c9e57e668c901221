/** The `run` flags the fast path understands. */
export interface FastRunArgs {
  readonly event: string;
  readonly config?: string;
  readonly projectDir?: string;
  readonly forward: boolean;
}

const VALUE_FLAGS: Readonly<Record<string, 'event' | 'config' | 'projectDir'>> = {
  '--event': 'event',
  '--config': 'config',
  '--project-dir': 'projectDir',
};

/**
 * Recognises the one command line settings.json runs on every event, `run --event <Event>` (plus
 * `--config`, `--project-dir`, `--no-forward`), so it can skip loading yargs, which costs more than
 * the whole start-up budget of a hook. Anything else, `--help` included, returns `undefined` and
 * goes through the full command line parser, which also produces the error messages.
 */
export function parseRunArgs(args: readonly string[]): FastRunArgs | undefined {
  if (args[0] !== 'run') return undefined;
  const values: { event?: string; config?: string; projectDir?: string } = {};
  let forward = true;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--no-forward') {
      forward = false;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = VALUE_FLAGS[flag];
    if (key === undefined) return undefined;
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-') || values[key] !== undefined) return undefined;
    values[key] = value;
  }
  if (values.event === undefined) return undefined;
  return { event: values.event, forward, ...(values.config !== undefined && { config: values.config }), ...(values.projectDir !== undefined && { projectDir: values.projectDir }) };
}
