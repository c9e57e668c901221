import type { MergedHookResult } from '@whitebox/core';

/** What the server answers an http hook: a status and a JSON body. */
export interface HttpReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

// Events whose plain stdout is context; as an http hook, the same text must travel as JSON.
const CONTEXT_EVENTS = new Set(['UserPromptSubmit', 'UserPromptExpansion', 'SessionStart']);

/**
 * Turns a merged result into what a Claude Code `type: "http"` hook returns. An http hook has no
 * exit code: a 2xx with a JSON object is read like a command hook's stdout on exit 0, and anything
 * else is a non-blocking error. So:
 * - JSON the merge printed is sent as is (decisions, `continue: false`, contexts, ...);
 * - plain context text becomes `hookSpecificOutput.additionalContext`, a WorktreeCreate path `worktreePath`;
 * - a block that only exists as exit 2 (TeammateIdle, TaskCreated, ...) becomes `decision: "block"`
 *   with the reason: the closest JSON form, though Claude Code may not honour it on those events,
 *   where command mode is the reliable choice;
 * - a non-blocking error (exit 1) becomes a `systemMessage`, shown to the user as a warning;
 * - a failed WorktreeCreate is a 500, since only a failure status fails it.
 */
export function httpReply(merged: MergedHookResult): HttpReply {
  const { event } = merged;
  if (event === 'WorktreeCreate') {
    if (merged.exitCode !== 0) return { status: 500, body: { error: merged.stderr.trim() || 'WorktreeCreate failed' } };
    return {
      status: 200,
      body: merged.worktreePath === undefined ? {} : { hookSpecificOutput: { hookEventName: event, worktreePath: merged.worktreePath } },
    };
  }
  if (merged.exitCode === 2) return { status: 200, body: { decision: 'block', reason: merged.stderr.trim() || `Blocked by hook-executor (${event})` } };
  if (merged.exitCode !== 0) return { status: 200, body: { systemMessage: merged.stderr.trim() } };
  const text = merged.stdout.trim();
  if (text === '') return { status: 200, body: {} };
  if (text.startsWith('{')) {
    try {
      return { status: 200, body: JSON.parse(text) as Record<string, unknown> };
    } catch {
      // mergeHookResults prints JSON only as JSON.stringify output; fall through defensively.
    }
  }
  if (CONTEXT_EVENTS.has(event)) return { status: 200, body: { hookSpecificOutput: { hookEventName: event, additionalContext: text } } };
  return { status: 200, body: {} };
}
