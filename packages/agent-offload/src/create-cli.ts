import type { Argv } from 'yargs';
import { createProgram } from '@whitebox/core';
import { hookCommand } from './commands/hook/command.js';
import { planCommand } from './commands/plan/command.js';

const EPILOGUE = `Config: the "agentOffload" block of .claude/whitebox.json (mode, maxLines, maxBytes, maxSummaryLines,
maxScanBytes, batches, subagentType); flags win over it.

Exit codes: 0 ok (the hook always exits 0, even on bad input: it must never block a read by accident),
1 failure, 2 usage error, 130 interrupted.`;

/** The `agent-offload` command line; exported so tests can parse without spawning. */
export function createCli(args: readonly string[]): Argv {
  return createProgram(args, {
    scriptName: 'agent-offload',
    usage:
      '$0 <command> [options]\n\nKeeps the main context small: a PreToolUse hook that steers large whole-file Reads to a summarising\nsub-agent, and a planner that splits files into balanced batches for parallel sub-agents.',
    epilogue: EPILOGUE,
  })
    .command(hookCommand)
    .command(planCommand)
    .demandCommand(1, 'Pass a command. See --help.')
    .example('$0 hook', 'the PreToolUse hook for Read: reads the hook input on stdin')
    .example('$0 hook --strict --max-lines 2000', 'deny whole-file reads over 2,000 lines instead of advising')
    .example("$0 plan 'packages/*/src/**/*.ts' --batches 3 --max-summary-lines 30", 'three parallel summaries of 30 lines');
}
