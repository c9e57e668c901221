/** The few names and ids a timing record may carry, taken from a hook's stdin JSON. */
export interface HookInputSummary {
  readonly session_id?: string;
  readonly event?: string;
  readonly tool_name?: string;
  readonly tool_use_id?: string;
  /** PostToolUse and PostToolUseFailure: the tool's own duration, in ms. */
  readonly duration_ms?: number;
  /** PostToolUseFailure: the user interrupted the tool. */
  readonly is_interrupt?: boolean;
}

const FIELDS = ['session_id', 'tool_name', 'tool_use_id'] as const;

/**
 * Picks the session, event and tool out of a hook's stdin without keeping anything else: no
 * prompt, tool input or response ever reaches a record.
 *
 * `complete` is false when only a capped prefix of stdin was kept. The prefix is then scanned for
 * the fields Claude Code writes before `tool_input` (it puts `session_id` and `hook_event_name`
 * first); a match after `"tool_input"` is ignored, because it could be the tool's own content.
 */
export function summarizeHookInput(input: Buffer | string, complete: boolean): HookInputSummary {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  if (complete) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return pick(value as Record<string, unknown>);
  }
  return scanPrefix(text);
}

function pick(input: Record<string, unknown>): HookInputSummary {
  const summary: { -readonly [K in keyof HookInputSummary]: HookInputSummary[K] } = {};
  const str = (key: string): string | undefined => {
    const value = input[key];
    return typeof value === 'string' && value !== '' && value.length <= 200 ? value : undefined;
  };
  const session = str('session_id');
  if (session !== undefined) summary.session_id = session;
  const event = str('hook_event_name');
  if (event !== undefined) summary.event = event;
  const tool = str('tool_name');
  if (tool !== undefined) summary.tool_name = tool;
  const toolUse = str('tool_use_id');
  if (toolUse !== undefined) summary.tool_use_id = toolUse;
  const duration = input['duration_ms'];
  if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) summary.duration_ms = duration;
  if (input['is_interrupt'] === true) summary.is_interrupt = true;
  return summary;
}

function scanPrefix(text: string): HookInputSummary {
  const toolInputAt = text.indexOf('"tool_input"');
  const head = toolInputAt === -1 ? text : text.slice(0, toolInputAt);
  const found: Record<string, unknown> = {};
  for (const key of [...FIELDS, 'hook_event_name']) {
    const match = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){1,200})"`).exec(head);
    if (match?.[1] !== undefined) {
      try {
        found[key] = JSON.parse(`"${match[1]}"`);
      } catch {
        // A torn escape at the cut: leave the field out.
      }
    }
  }
  return pick(found);
}
