/**
 * What the model reads. Short, because it lands in the context on every flagged call, and concrete
 * about the one thing to do differently.
 */

/** `additionalContext` for a sequential call in warn mode. */
export const WARN_CONTEXT =
  'Sequential sub-agent delegation: this Agent call is alone in its message, and the previous message ' +
  'waited for a foreground sub-agent to finish. Independent sub-agent tasks run in parallel only when ' +
  'their Agent calls are in ONE message, one call per task. Before the next delegation, list every ' +
  'independent task and issue all their Agent calls together; use a separate message only for a task ' +
  'that needs an earlier result.';

/** `permissionDecisionReason` for a sequential call in block mode. */
export const BLOCK_REASON =
  'Sequential sub-agent delegation blocked: this Agent call is alone in its message, right after a message ' +
  'that waited for a foreground sub-agent. Independent sub-agent tasks must go in ONE message, one Agent ' +
  'call per task, so they run in parallel. If you have other independent tasks, re-issue this call together ' +
  'with their Agent calls in a single message. If this call truly depends on the previous result, re-issue ' +
  'it unchanged (identical input) and it will be allowed.';

/** `additionalContext` of the `remind` hook. */
export const REMIND_CONTEXT =
  'This request has several independent parts. If you delegate them to sub-agents, put all the Agent ' +
  'calls in ONE message (one call per independent part) so they run in parallel; only a part that needs ' +
  "another part's result waits for it.";
