import { performance } from 'node:perf_hooks';
import type { CliContext } from '../../cli-context.js';
import { decideSubagentCall } from '../../decide-subagent-call.js';
import { defaultStateDir } from '../../state/detector-state.js';
import { runHookCommand } from '../hook-runtime.js';
import type { HookArgs } from './command.js';

/** Runs the PreToolUse hook: stdin in, a decision (or nothing) out, always exit 0. */
export async function runHook(args: HookArgs, context: CliContext): Promise<void> {
  const started = performance.now();
  await runHookCommand(context, args, async ({ input, config, note }) => {
    const mode = args.mode ?? config.mode ?? 'block';
    const decision = await decideSubagentCall(input, {
      mode,
      stateDir: args['state-dir'] ?? config.stateDir ?? defaultStateDir(),
      waitMs: args['wait-ms'] ?? config.waitMs,
      maxWaitMs: config.maxWaitMs,
      transcript: args.transcript ?? config.transcript,
      log: note,
    });
    const verdict = decision.verdict;
    if (verdict !== undefined) {
      // "decided in" covers stdin, config, state and transcript: everything after start-up.
      note(
        `${input.toolUseId}: ${verdict.reason} (${verdict.source}, ${verdict.siblings} sibling(s), waited ${verdict.waitedMs} ms) → ` +
          `${decision.action === 'none' ? 'allow' : decision.action}; decided in ${(performance.now() - started).toFixed(2)} ms`,
      );
    } else {
      note(mode === 'off' ? 'mode off' : `not a sub-agent call (${input.event} ${input.toolName ?? ''})`);
    }
    return { output: decision.output };
  });
}
