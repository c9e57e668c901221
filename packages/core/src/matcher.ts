import { WhiteboxError } from './errors.js';
import { isToolEvent, matcherFieldFor, matchValueFor } from './hook-input.js';
import { describeValue } from './format-zod-issues.js';

/**
 * The names of Claude Code's sub-agent tool: `Agent` since 2.1.63, `Task` before. Transcripts of
 * older sessions still say `Task`, and a `Task` matcher still fires for `Agent` (observed on 2.1.332).
 * Not to be confused with `TaskCreate`, `TaskUpdate`, `TaskList`, ... (the todo tools).
 */
export const SUBAGENT_TOOL_NAMES = ['Agent', 'Task'] as const;

/** The matcher that selects the sub-agent tool under either name. */
export const SUBAGENT_MATCHER = 'Agent|Task';

/** Tells whether `toolName` is the sub-agent tool, under its current or legacy name. */
export function isSubagentTool(toolName: string): boolean {
  return (SUBAGENT_TOOL_NAMES as readonly string[]).includes(toolName);
}

/** A compiled matcher: tells whether one value (a tool name, a SessionStart source, ...) matches. */
export type MatcherPredicate = (value: string) => boolean;

/** Options for {@link compileMatcher}. */
export interface CompileMatcherOptions {
  /**
   * The event the matcher group belongs to. FileChanged and StopFailure use the narrower exact-match
   * set (letters, digits, `_` and `|` only); tool events treat `Agent` and `Task` as one tool.
   * @default 'PreToolUse'
   */
  readonly event?: string;
}

// Hooks reference, "Matcher patterns". Commas and spaces joined the exact set in 2.1.191 and
// hyphens in 2.1.195; FileChanged and StopFailure kept the original set.
const EXACT_LIST = /^[A-Za-z0-9_\-, |]+$/;
const NARROW_EXACT_LIST = /^[A-Za-z0-9_|]+$/;
const NARROW_EVENTS = new Set(['FileChanged', 'StopFailure']);

const matchAll: MatcherPredicate = () => true;

/**
 * Compiles a settings `matcher` with Claude Code's rules:
 * - omitted, `""` or `"*"` matches everything;
 * - only letters, digits, `_`, `-`, spaces, `,` and `|`: an exact name, or a list of exact names
 *   split on `|` or `,` (surrounding spaces ignored), case-sensitive. `Task` does not match `TaskCreate`;
 * - anything else: a JavaScript regular expression tested unanchored (`Edit.*` matches `NotebookEdit`,
 *   `mcp__memory__.*` every tool of the `memory` MCP server).
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` when the matcher is not a valid regular expression.
 * @throws {TypeError} When `matcher` is neither a string nor nullish.
 * @example
 * const isSpawn = compileMatcher(SUBAGENT_MATCHER);
 * isSpawn('Agent'); // true
 */
export function compileMatcher(matcher: string | null | undefined, options: CompileMatcherOptions = {}): MatcherPredicate {
  if (matcher === undefined || matcher === null) return matchAll;
  if (typeof matcher !== 'string') {
    throw new TypeError(`Expected a hook matcher string, got ${describeValue(matcher)}`);
  }
  const event = options.event ?? 'PreToolUse';
  if (matcher === '' || matcher === '*' || matcher.trim() === '') return matchAll;

  const narrow = NARROW_EVENTS.has(event);
  if ((narrow ? NARROW_EXACT_LIST : EXACT_LIST).test(matcher)) {
    const names = new Set(
      matcher
        .split(narrow ? '|' : /[|,]/)
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    );
    if (isToolEvent(event) && [...names].some(isSubagentTool)) {
      for (const name of SUBAGENT_TOOL_NAMES) names.add(name);
    }
    return (value) => names.has(value);
  }

  let pattern: RegExp;
  try {
    pattern = new RegExp(matcher);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WhiteboxError('CONFIG_INVALID', `Invalid hook matcher ${JSON.stringify(matcher)}: ${reason}`, {
      cause: error,
    });
  }
  // A fresh test() per call: the pattern has no g/y flag, so lastIndex never carries over.
  return (value) => pattern.test(value);
}

/**
 * Tells whether a tool-event matcher selects `toolName`. Shorthand for
 * `compileMatcher(matcher)(toolName)`; compile once with {@link compileMatcher} in hot loops.
 *
 * @example
 * matchesTool('Edit|Write', 'Write'); // true
 * matchesTool('Task', 'Agent'); // true: legacy alias
 * matchesTool('mcp__github__.*', 'mcp__github__search_repositories'); // true
 */
export function matchesTool(matcher: string | null | undefined, toolName: string): boolean {
  return compileMatcher(matcher)(toolName);
}

/**
 * Tells whether a matcher group fires for this hook input, the way Claude Code decides: the
 * matcher is tested against the event's match field ({@link matchValueFor}); on events without
 * matcher support it is ignored and the group always fires. A missing match field is tested as `""`.
 */
export function matchesHookInput(
  matcher: string | null | undefined,
  input: { readonly hook_event_name: string },
): boolean {
  const event = input.hook_event_name;
  const field = matcherFieldFor(event);
  if (field === null) return true;
  const value = matchValueFor(input);
  if (field === undefined && value === undefined) return true;
  return compileMatcher(matcher, { event })(value ?? '');
}
