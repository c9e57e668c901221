import type { Argv } from 'yargs';
import { createProgram } from '@whitebox/core';
import { importCommand } from './commands/import/command.js';
import { pruneCommand } from './commands/prune/command.js';
import { recordCommand } from './commands/record/command.js';
import { reportCommand } from './commands/report/command.js';
import { weeklyCommand } from './commands/weekly/command.js';
import { wrapCommand } from './commands/wrap/command.js';

const EPILOGUE = `Records go to <project>/.claude/memory/hook_performance.jsonl (project: --project-dir, $CLAUDE_PROJECT_DIR, cwd).
They hold names, ids, timings and outcomes only: never prompt text, tool input or keys.

Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted.
  wrap exits as the wrapped command did (by the same signal, too) and uses 1, not 2, for its own
  usage errors, since 2 would block the tool call; record always exits 0.`;

/** The `perf-tracker` command line; exported so tests can parse without spawning. */
export function createCli(args: readonly string[]): Argv {
  return createProgram(args, {
    scriptName: 'perf-tracker',
    usage:
      '$0 <command> [options]\n\nHook and tool timings for Claude Code: record them cheaply, then see percentiles, trends, critical\npaths and what to optimise.',
    epilogue: EPILOGUE,
  })
    .command(wrapCommand(args))
    .command(recordCommand(args))
    .command(reportCommand)
    .command(importCommand)
    .command(weeklyCommand)
    .command(pruneCommand)
    .demandCommand(1, 'Pass a command. See --help.')
    .example('$0 wrap --id lint -- node .claude/hooks/lint.js', 'in settings.json: time a hook, transparently')
    .example('$0 report --since 7d', 'percentiles per hook, trend, critical paths, suggestions')
    .example('$0 report --format html --out hooks.html', 'one self-contained HTML file with charts')
    .example('$0 import ~/.claude/projects/-home-me-project', 'timings from past transcripts');
}
