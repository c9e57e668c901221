import type { SyncHookJSONOutput } from '@whitebox/core';
import type { DetectorMode } from './detector-config.js';
import type { DetectorHookInput } from './detector-hook-input.js';
import { judgeSubagentCall, type CallVerdict, type JudgeSubagentCallOptions } from './judge-subagent-call.js';
import { BLOCK_REASON, WARN_CONTEXT } from './teaching-messages.js';

/** Options for {@link decideSubagentCall}. */
export interface DecideSubagentCallOptions extends Omit<JudgeSubagentCallOptions, 'recordDenial'> {
  /** @default 'block' */
  readonly mode?: DetectorMode;
}

/**
 * What the hook does:
 * - `none`: prints nothing (not a sub-agent call, not sequential, or mode `off`);
 * - `warn`: allows with teaching context;
 * - `deny`: denies with a teaching reason.
 */
export type DetectorAction = 'none' | 'warn' | 'deny';

/** The decision on one PreToolUse input. */
export interface SubagentCallDecision {
  readonly action: DetectorAction;
  /** The hook's stdout JSON, when it prints anything. */
  readonly output: SyncHookJSONOutput | undefined;
  /** The judgement, when the input was a sub-agent call that was judged. */
  readonly verdict: CallVerdict | undefined;
}

const SUBAGENT_TOOLS = new Set(['Agent', 'Task']);

/**
 * The PreToolUse decision for one call: judges it with {@link judgeSubagentCall} and turns the
 * verdict into hook output for the mode. Warn mode adds context without a permission decision,
 * because a hook's `allow` would also skip the user's permission prompt.
 *
 * @example
 * const { output } = await decideSubagentCall(input, { stateDir, mode: 'warn' });
 * if (output) process.stdout.write(JSON.stringify(output));
 */
export async function decideSubagentCall(input: DetectorHookInput, options: DecideSubagentCallOptions): Promise<SubagentCallDecision> {
  const mode = options.mode ?? 'block';
  if (mode === 'off' || input.event !== 'PreToolUse' || input.toolName === undefined || !SUBAGENT_TOOLS.has(input.toolName) || input.toolUseId === undefined) {
    return { action: 'none', output: undefined, verdict: undefined };
  }
  const verdict = await judgeSubagentCall(input, { ...options, recordDenial: mode === 'block' });
  if (!verdict.sequential) return { action: 'none', output: undefined, verdict };
  if (mode === 'warn') {
    return { action: 'warn', verdict, output: { hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: WARN_CONTEXT } } };
  }
  return {
    action: 'deny',
    verdict,
    output: { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: BLOCK_REASON } },
  };
}
