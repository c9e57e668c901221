/** What `perf-tracker wrap` was asked to do. */
export interface WrapArgs {
  /** The command to run: an argument vector, or one shell command line. */
  readonly command: readonly string[];
  /** The hook id to record; without it, a hash of the command. */
  readonly id: string | undefined;
  /** The event to record when stdin does not name one. */
  readonly event: string | undefined;
  /** An explicit log file. */
  readonly log: string | undefined;
  /** The project whose log to append to. */
  readonly projectDir: string | undefined;
}

const VALUE_FLAGS = { '--id': 'id', '--event': 'event', '--log': 'log', '--project-dir': 'projectDir' } as const;

/**
 * Parses `wrap [--id ID] [--event E] [--log FILE] [--project-dir DIR] [--] <command…>` by hand:
 * the hook path must not load yargs (see `cli.ts`). Everything from `--`, or from the first
 * argument that is not one of these flags, is the command, passed through untouched.
 *
 * @throws {Error} naming the flag when a value is missing, a flag is unknown or no command is given.
 */
export function parseWrapArgs(argv: readonly string[]): WrapArgs {
  const values: { id?: string; event?: string; log?: string; projectDir?: string } = {};
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg === '--') {
      i += 1;
      break;
    }
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const key = (VALUE_FLAGS as Record<string, keyof typeof values>)[name];
    if (key === undefined) {
      throw new Error(`unknown option ${name}; put the hook command after "--" (perf-tracker wrap -- <command…>)`);
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
      i += 1;
    } else {
      value = argv[i + 1];
      i += 2;
    }
    if (value === undefined || value === '') throw new Error(`${name} needs a value`);
    values[key] = value;
  }
  const command = argv.slice(i);
  if (command.length === 0 || command[0] === '') {
    throw new Error('no command given; usage: perf-tracker wrap [--id ID] -- <command…>');
  }
  return { command, id: values.id, event: values.event, log: values.log, projectDir: values.projectDir };
}

/** A single argument that needs a shell: anything beyond a plain path or word. */
const SHELL_SYNTAX = /[^\w@%+=:,./-]/;

/**
 * How to start the command: one argument with shell syntax (`'lint.sh && fmt.sh'`) runs under
 * `/bin/sh -c`, as Claude Code would run it; anything else is executed directly, without a shell.
 */
export function commandToSpawn(command: readonly string[]): { readonly file: string; readonly args: readonly string[] } {
  if (command.length === 1 && SHELL_SYNTAX.test(command[0]!)) return { file: '/bin/sh', args: ['-c', command[0]!] };
  return { file: command[0]!, args: command.slice(1) };
}
