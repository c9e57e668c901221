import yargs from 'yargs';
import type { Argv } from 'yargs';
import { withCommonOptions } from '@whitebox/core';
import { BIN_NAME, processContext, type CliContext } from './cli-context.js';
import { createBatchCommand } from './commands/batch/command.js';
import { createHookCommand } from './commands/hook/command.js';
import { createInitCommand } from './commands/init/command.js';
import { createRemindCommand } from './commands/remind/command.js';
import { createScanCommand } from './commands/scan/command.js';

const EPILOGUE = `Hooks (see the README for the settings.json snippet):
  PreToolUse  matcher "Agent|Task"   ${BIN_NAME} hook
  PostToolBatch, SessionEnd          ${BIN_NAME} batch
  UserPromptSubmit                   ${BIN_NAME} remind
Config: .claude/sequential-agent-detector.json in the project (mode, waitMs, stateDir, ...); flags override it.
Exit codes: 0 ok (hooks always exit 0, even on internal errors, so they never block by accident),
1 failure (a hook with a broken config: a non-blocking error), 2 usage error (never from a hook), 130 interrupted.`;

/**
 * The \`detect-sequential-agents\` command line. Exported so tests can run it in-process.
 *
 * @param context - Process edges to use instead of the real ones (tests).
 */
export function createCli(args: readonly string[], context: Partial<CliContext> = {}): Argv {
  const ctx: CliContext = { ...processContext(), ...context };
  return withCommonOptions(yargs([...args]))
    .scriptName(BIN_NAME)
    .usage('$0 <command>\n\nKeeps an agent delegating to sub-agents in parallel: hooks that flag sub-agent calls made one message at a time, a transcript scan of the time that cost, a prompt reminder and a CLAUDE.md rule.')
    .command(createHookCommand(ctx))
    .command(createBatchCommand(ctx))
    .command(createScanCommand(ctx))
    .command(createRemindCommand(ctx))
    .command(createInitCommand(ctx))
    .demandCommand(1, 'Name a command: hook, batch, scan, remind or init')
    .example('$0 scan', 'time lost to sequential sub-agent calls in ~/.claude/projects')
    .example('$0 scan ./transcripts --json', 'the same for a folder, as JSON')
    .example('$0 init', 'add the parallel-delegation rule to ./CLAUDE.md')
    .epilogue(EPILOGUE)
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110));
}
