import yargs from 'yargs';
import type { Argv } from 'yargs';

/** The flags every Whitebox command shares. */
export interface CommonOptions {
  /** Print machine-readable JSON on stdout instead of text. */
  readonly json: boolean;
  /** Show stacks and debug detail on stderr. */
  readonly verbose: boolean;
  /** Print nothing on stderr but errors. */
  readonly quiet: boolean;
  /** An explicit config file, overriding discovery. */
  readonly config: string | undefined;
}

/** Adds `--json`. */
export function withJson<T>(yargs: Argv<T>): Argv<T & { json: boolean }> {
  return yargs.option('json', {
    type: 'boolean',
    default: false,
    describe: 'Print machine-readable JSON on stdout',
  });
}

/** Adds `--verbose`. */
export function withVerbose<T>(yargs: Argv<T>): Argv<T & { verbose: boolean }> {
  return yargs.option('verbose', {
    type: 'boolean',
    default: false,
    describe: 'Show stack traces and debug detail on stderr',
  });
}

/** Adds `--quiet` (`-q`). It is allowed alongside `--verbose`; neither overrides the other. */
export function withQuiet<T>(yargs: Argv<T>): Argv<T & { quiet: boolean }> {
  return yargs.option('quiet', {
    alias: 'q',
    type: 'boolean',
    default: false,
    describe: 'Print nothing on stderr but errors',
  });
}

/** Adds `--config <file>`. */
export function withConfig<T>(yargs: Argv<T>, describe = 'Config file to use instead of the default'): Argv<T & { config: string | undefined }> {
  return yargs.option('config', { type: 'string', requiresArg: true, describe });
}

/**
 * Adds all of {@link CommonOptions} at once, the usual start of a Whitebox `createCli()`.
 *
 * @example
 * export function createCli(args: readonly string[]): Argv {
 *   return withCommonOptions(yargs([...args])).scriptName('perf-tracker').command(reportCommand).strict();
 * }
 */
export function withCommonOptions<T>(yargs: Argv<T>): Argv<T & CommonOptions> {
  return withConfig(withQuiet(withVerbose(withJson(yargs))));
}

/** What {@link createProgram} needs to know about a CLI. */
export interface ProgramOptions {
  /** The bin name, e.g. `hook-executor`. */
  readonly scriptName: string;
  /** The first lines of `--help`: synopsis, blank line, what the tool is for. */
  readonly usage: string;
  /** Text after the options in `--help`: exit codes, environment, links. */
  readonly epilogue?: string;
}

/**
 * The start every Whitebox CLI shares: the common flags, strict parsing, `-h`, no `--version`
 * (packages are versioned together), help wrapped to the terminal, and an exit-code epilogue.
 * Add commands and examples to the result.
 *
 * @example
 * export function createCli(args: readonly string[]): Argv {
 *   return createProgram(args, { scriptName: 'oracle', usage: '$0 --batch <a,b> <proposal>' }).command(askCommand);
 * }
 */
export function createProgram(args: readonly string[], options: ProgramOptions): Argv<CommonOptions> {
  const program = withCommonOptions(yargs([...args]))
    .scriptName(options.scriptName)
    .usage(options.usage)
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110));
  return options.epilogue === undefined ? program : program.epilogue(options.epilogue);
}
