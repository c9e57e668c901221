/**
 * How a sub-agent call ended, as far as waiting goes:
 * - `foreground`: the agent waited for the sub-agent's answer;
 * - `background`: a launch that returned at once (`async_launched`), so nothing waited;
 * - `denied`: a hook or the user refused it, so it never ran;
 * - `failed`: an error result that cannot be told apart from an instant refusal;
 * - `unknown`: no result seen (cut-off transcript, interrupted turn).
 */
export type SpawnOutcome = 'foreground' | 'background' | 'denied' | 'failed' | 'unknown';

/** What is known about one sub-agent call's result. Every field is optional: sources differ. */
export interface SpawnResultFacts {
  /** `toolUseResult.status` or a structured `tool_response.status`. */
  readonly status?: string | undefined;
  /** The `tool_result` block's `is_error`. */
  readonly isError?: boolean | undefined;
  /** The result text, or its start. */
  readonly text?: string | undefined;
  /** The call's `input.run_in_background`. */
  readonly runInBackground?: boolean | undefined;
  /** False when no result has been seen at all. @default true */
  readonly hasResult?: boolean;
}

// "PreToolUse:Agent hook error: <reason>" (observed on 2.1.332), the user's refusal, and the
// permission system's denial all mean the call never ran.
const REFUSED = /hook error|doesn't want to proceed|permission to use \S+ (?:has been|was) denied|tool use was rejected/i;
const LAUNCHED = /^\s*Async agent launched/;

/**
 * Decides whether a sub-agent call made the agent wait, from whatever its result shows: the
 * structured status when there is one, else the text the model received (PostToolBatch carries
 * only that: `"Async agent launched successfully…"`, a hook error, or the sub-agent's report).
 *
 * @example
 * classifySpawnOutcome({ text: 'Async agent launched successfully.' }); // 'background'
 * classifySpawnOutcome({ status: 'completed' }); // 'foreground'
 */
export function classifySpawnOutcome(facts: SpawnResultFacts): SpawnOutcome {
  if (facts.hasResult === false) return 'unknown';
  if (facts.status === 'async_launched') return 'background';
  if (facts.status === 'completed') return 'foreground';
  const text = facts.text ?? '';
  if (LAUNCHED.test(text)) return 'background';
  if (REFUSED.test(text.slice(0, 500))) return 'denied';
  if (facts.isError === true) return 'failed';
  if (text === '' && facts.runInBackground === true) return 'background';
  return 'foreground';
}
