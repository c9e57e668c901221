import type { Argv } from 'yargs';
import { createProgram, runCli } from '@whitebox/core';
import type { CommonOptions } from '@whitebox/core';
import { analyzeCommand } from './commands/analyze/command.js';
import { benchCommand } from './commands/bench/command.js';
import { graphCommand } from './commands/graph/command.js';
import { installCommand, uninstallCommand } from './commands/install/command.js';
import { runCommand } from './commands/run/command.js';
import { serveCommand } from './commands/serve/command.js';

const EPILOGUE = `Configuration: .claude/hook-executor.json (--config to use another file).

Exit codes: run exits as one Claude Code hook would: 0 (allow, or JSON on stdout), 1 (non-blocking error),
2 (block). Other commands: 0 ok, 1 failure, 2 usage error, 130 interrupted.`;

/** The `hook-executor` command line; exported so tests can parse without spawning. */
export function createCli(args: readonly string[]): Argv<CommonOptions> {
  return createProgram(args, {
    scriptName: 'hook-executor',
    usage:
      '$0 <command> [options]\n\nRuns an event\'s Claude Code hooks as a parallel dependency graph: as one command hook (run) or as a\nresident HTTP hook server (serve).',
    epilogue: EPILOGUE,
  })
    .command(runCommand)
    .command(serveCommand)
    .command(installCommand)
    .command(uninstallCommand)
    .command(analyzeCommand)
    .command(graphCommand)
    .command(benchCommand)
    .demandCommand(1, 'Pass a command. See --help.')
    .example('$0 run --event PreToolUse', 'in settings.json: the one command hook for PreToolUse');
}

/** Parses `args` with the full command line and runs the command; resolves to the exit code. */
export function main(args: readonly string[]): Promise<number> {
  return runCli(createCli(args), { argv: args });
}
