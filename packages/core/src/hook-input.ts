import type {
  BaseHookInput,
  ConfigChangeHookInput,
  CwdChangedHookInput,
  DirectoryAddedHookInput,
  ElicitationHookInput,
  ElicitationResultHookInput,
  FileChangedHookInput,
  HookEvent,
  HookInput,
  InstructionsLoadedHookInput,
  MessageDisplayHookInput,
  NotificationHookInput,
  PermissionDeniedHookInput,
  PermissionRequestHookInput,
  PostCompactHookInput,
  PostModelSwitchHookInput,
  PostToolBatchHookInput,
  PostToolBatchToolCall,
  PostToolUseFailureHookInput,
  PostToolUseHookInput,
  PreCompactHookInput,
  PreModelSwitchHookInput,
  PreSkillShellCommandHookInput,
  PreToolUseHookInput,
  SessionEndHookInput,
  SessionStartHookInput,
  SetupHookInput,
  StopFailureHookInput,
  StopHookInput,
  SubagentStartHookInput,
  SubagentStopHookInput,
  TaskCompletedHookInput,
  TaskCreatedHookInput,
  TeammateIdleHookInput,
  UserPromptExpansionHookInput,
  UserPromptSubmitHookInput,
  WorktreeCreateHookInput,
  WorktreeRemoveHookInput,
} from '@anthropic-ai/claude-agent-sdk';
// zod/mini: every hook command validates its input, and the classic API costs ~70 ms to load.
import * as z from 'zod/mini';
import { WhiteboxError } from './errors.js';
import { formatZodIssues, describeValue } from './format-zod-issues.js';

export type {
  BaseHookInput,
  ConfigChangeHookInput,
  CwdChangedHookInput,
  DirectoryAddedHookInput,
  ElicitationHookInput,
  ElicitationResultHookInput,
  FileChangedHookInput,
  HookEvent,
  HookInput,
  InstructionsLoadedHookInput,
  MessageDisplayHookInput,
  NotificationHookInput,
  PermissionDeniedHookInput,
  PermissionRequestHookInput,
  PostCompactHookInput,
  PostModelSwitchHookInput,
  PostToolBatchHookInput,
  PostToolBatchToolCall,
  PostToolUseFailureHookInput,
  PostToolUseHookInput,
  PreCompactHookInput,
  PreModelSwitchHookInput,
  PreSkillShellCommandHookInput,
  PreToolUseHookInput,
  SessionEndHookInput,
  SessionStartHookInput,
  SetupHookInput,
  StopFailureHookInput,
  StopHookInput,
  SubagentStartHookInput,
  SubagentStopHookInput,
  TaskCompletedHookInput,
  TaskCreatedHookInput,
  TeammateIdleHookInput,
  UserPromptExpansionHookInput,
  UserPromptSubmitHookInput,
  WorktreeCreateHookInput,
  WorktreeRemoveHookInput,
};

/** The input type of one known event, e.g. `HookInputFor<'PreToolUse'>` is `PreToolUseHookInput`. */
export type HookInputFor<E extends HookEvent> = Extract<HookInput, { hook_event_name: E }>;

/**
 * The input of an event this version of the SDK types does not know. The common fields are
 * validated; everything else is kept as Claude Code sent it.
 */
export type UnknownHookInput = BaseHookInput & { readonly hook_event_name: string } & Record<string, unknown>;

/** What {@link parseHookInput} returns without an expected event. */
export type ParsedHookInput = HookInput | UnknownHookInput;

/**
 * Every hook event the bundled `@anthropic-ai/claude-agent-sdk` types name, in the SDK's order.
 * A type test keeps this list equal to the SDK's `HookEvent` union.
 */
export const HOOK_EVENT_NAMES = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'Notification',
  'UserPromptSubmit',
  'UserPromptExpansion',
  'SessionStart',
  'SessionEnd',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'PostCompact',
  'PreModelSwitch',
  'PostModelSwitch',
  'PermissionRequest',
  'PermissionDenied',
  'Setup',
  'TeammateIdle',
  'TaskCreated',
  'TaskCompleted',
  'Elicitation',
  'ElicitationResult',
  'ConfigChange',
  'WorktreeCreate',
  'WorktreeRemove',
  'InstructionsLoaded',
  'CwdChanged',
  'FileChanged',
  'DirectoryAdded',
  'MessageDisplay',
  'PreSkillShellCommand',
] as const satisfies readonly HookEvent[];

/**
 * The events whose matcher filters on `tool_name` and whose handlers may carry an `if` rule
 * (hooks reference, "Matcher patterns" and "Common fields").
 */
export const TOOL_EVENT_NAMES = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PermissionRequest',
  'PermissionDenied',
] as const satisfies readonly HookEvent[];

/** A member of {@link TOOL_EVENT_NAMES}. */
export type ToolHookEvent = (typeof TOOL_EVENT_NAMES)[number];

/**
 * Which input field each event's `matcher` is tested against; `null` means the event has no
 * matcher support and Claude Code silently ignores a `matcher` on it. FileChanged matches the
 * changed file's basename (see {@link matchValueFor}).
 *
 * Source: hooks reference, "Matcher patterns" table. PreSkillShellCommand, PreModelSwitch and
 * PostModelSwitch are not documented there: the first is given `tool_name` because it carries
 * one, the model-switch events none.
 */
export const HOOK_MATCHER_FIELDS: Readonly<Record<HookEvent, string | null>> = {
  PreToolUse: 'tool_name',
  PostToolUse: 'tool_name',
  PostToolUseFailure: 'tool_name',
  PermissionRequest: 'tool_name',
  PermissionDenied: 'tool_name',
  PreSkillShellCommand: 'tool_name',
  SessionStart: 'source',
  Setup: 'trigger',
  SessionEnd: 'reason',
  Notification: 'notification_type',
  SubagentStart: 'agent_type',
  SubagentStop: 'agent_type',
  PreCompact: 'trigger',
  PostCompact: 'trigger',
  ConfigChange: 'source',
  DirectoryAdded: 'source',
  FileChanged: 'file_path',
  StopFailure: 'error',
  InstructionsLoaded: 'load_reason',
  UserPromptExpansion: 'command_name',
  Elicitation: 'mcp_server_name',
  ElicitationResult: 'mcp_server_name',
  UserPromptSubmit: null,
  PostToolBatch: null,
  Stop: null,
  TeammateIdle: null,
  TaskCreated: null,
  TaskCompleted: null,
  WorktreeCreate: null,
  WorktreeRemove: null,
  MessageDisplay: null,
  CwdChanged: null,
  PreModelSwitch: null,
  PostModelSwitch: null,
};

/** Tells whether `event` is one of the SDK's known hook events. */
export function isHookEvent(event: string): event is HookEvent {
  return Object.hasOwn(HOOK_MATCHER_FIELDS, event);
}

/** Tells whether `event` is a tool event: its matcher filters on `tool_name`. */
export function isToolEvent(event: string): event is ToolHookEvent {
  return (TOOL_EVENT_NAMES as readonly string[]).includes(event);
}

/**
 * The input field `event`'s matcher is tested against: a field name, `null` when the event has
 * no matcher support, or `undefined` when the event is unknown to this version.
 */
export function matcherFieldFor(event: string): string | null | undefined {
  return isHookEvent(event) ? HOOK_MATCHER_FIELDS[event] : undefined;
}

/**
 * The value a matcher is tested against for this input: `tool_name` for tool events,
 * `source` for SessionStart, the basename of `file_path` for FileChanged, and so on.
 * `undefined` when the event has no matcher support or the field is absent. For an unknown event
 * it falls back to `tool_name` when the input has one, since every event that carries a tool
 * name so far matches on it.
 */
export function matchValueFor(input: { readonly hook_event_name: string }): string | undefined {
  const record = input as Record<string, unknown>;
  const field = matcherFieldFor(input.hook_event_name);
  const name = field === undefined ? 'tool_name' : field;
  if (name === null) return undefined;
  const value = record[name];
  if (typeof value !== 'string') return undefined;
  if (input.hook_event_name === 'FileChanged') return value.split(/[\\/]/).pop() ?? value;
  return value;
}

/** Tells whether a parsed input belongs to `event`, narrowing its type. */
export function isHookInputFor<E extends HookEvent>(
  input: { readonly hook_event_name: string },
  event: E,
): input is HookInputFor<E> {
  return input.hook_event_name === event;
}

const text = z.string();
const optionalText = z.optional(z.string());
const jsonObject = z.looseObject({});

const commonFields = {
  session_id: text,
  transcript_path: text,
  cwd: text,
  hook_event_name: text,
  prompt_id: optionalText,
  permission_mode: optionalText,
  agent_id: optionalText,
  agent_type: optionalText,
  effort: z.optional(z.looseObject({ level: text })),
};

const toolFields = { tool_name: text, tool_input: jsonObject };

// Only fields the Whitebox tools read are checked, and enumerations stay plain strings: a new
// value from a newer Claude Code must pass through, not fail the hook.
const eventFields: Readonly<Record<HookEvent, z.core.$ZodLooseShape>> = {
  PreToolUse: { ...toolFields, tool_use_id: text },
  PermissionRequest: { ...toolFields, permission_suggestions: z.optional(z.array(jsonObject)) },
  PermissionDenied: { ...toolFields, tool_use_id: text, reason: text },
  PostToolUse: { ...toolFields, tool_use_id: text, duration_ms: z.optional(z.number()) },
  PostToolUseFailure: {
    ...toolFields,
    tool_use_id: text,
    error: text,
    is_interrupt: z.optional(z.boolean()),
    duration_ms: z.optional(z.number()),
  },
  PostToolBatch: {
    tool_calls: z.array(z.looseObject({ tool_name: text, tool_input: z.unknown(), tool_use_id: text })),
  },
  UserPromptSubmit: { prompt: text },
  UserPromptExpansion: { command_name: text, prompt: text, expansion_type: optionalText, command_args: optionalText },
  Notification: { message: text, notification_type: text, title: optionalText },
  Stop: {
    stop_hook_active: z.boolean(),
    last_assistant_message: optionalText,
    background_tasks: z.optional(z.array(jsonObject)),
    session_crons: z.optional(z.array(jsonObject)),
  },
  SubagentStop: {
    stop_hook_active: z.boolean(),
    agent_id: text,
    agent_type: text,
    agent_transcript_path: text,
    last_assistant_message: optionalText,
    background_tasks: z.optional(z.array(jsonObject)),
    session_crons: z.optional(z.array(jsonObject)),
  },
  SubagentStart: { agent_id: text, agent_type: text },
  StopFailure: { error: text, error_details: optionalText },
  PreCompact: { trigger: text, custom_instructions: z.optional(z.nullable(z.string())) },
  PostCompact: { trigger: text, compact_summary: optionalText },
  SessionStart: { source: text, model: optionalText },
  SessionEnd: { reason: text },
  Setup: { trigger: text },
  TeammateIdle: { teammate_name: text },
  TaskCreated: { task_id: text, task_subject: text },
  TaskCompleted: { task_id: text, task_subject: text },
  ConfigChange: { source: text, file_path: optionalText },
  WorktreeCreate: { name: text },
  WorktreeRemove: { worktree_path: text },
  InstructionsLoaded: { file_path: text, load_reason: text, memory_type: optionalText },
  CwdChanged: { old_cwd: text, new_cwd: text },
  FileChanged: { file_path: text, event: optionalText },
  Elicitation: { mcp_server_name: text, message: text },
  ElicitationResult: { mcp_server_name: text, action: text },
  DirectoryAdded: { directory: text, source: text },
  MessageDisplay: { index: z.number(), final: z.boolean(), delta: text },
  PreModelSwitch: { from_model: text, to_model: text },
  PostModelSwitch: { from_model: text, to_model: text },
  PreSkillShellCommand: { ...toolFields, tool_use_id: text, command_name: text },
};

const commonSchema = z.looseObject(commonFields);
const schemaCache = new Map<string, z.ZodMiniType>();

function schemaFor(event: string): z.ZodMiniType {
  if (!isHookEvent(event)) return commonSchema;
  let schema = schemaCache.get(event);
  if (!schema) {
    schema = z.looseObject({ ...commonFields, ...eventFields[event] });
    schemaCache.set(event, schema);
  }
  return schema;
}

/** Options for {@link parseHookInput}. */
export interface ParseHookInputOptions {
  /**
   * The event the caller was registered for. When set, `hook_event_name` must equal it, which
   * catches a hook wired to the wrong event in settings.
   * @default undefined (any event)
   */
  readonly event?: string;
}

/**
 * Parses and validates what Claude Code writes to a hook's stdin.
 *
 * Checks the common fields (`session_id`, `transcript_path`, `cwd`, `hook_event_name`, and the
 * optional `prompt_id`, `permission_mode`, `agent_id`, `agent_type`, `effort`) and the
 * event-specific fields Whitebox relies on (`tool_name`, `tool_use_id`, `tool_calls`, ...). Unknown
 * events and unknown fields pass through: the returned object is the parsed JSON itself, untouched.
 *
 * @param raw - The stdin text (or bytes), or an already-parsed value.
 * @throws {WhiteboxError} `INPUT_INVALID` when stdin is empty or not JSON, or a field is wrong;
 * the message names each field path, what was expected and what was received.
 * @example
 * const input = parseHookInput(await readStdin(), { event: 'PreToolUse' });
 * if (SUBAGENT_TOOL_NAMES.includes(input.tool_name)) ...
 */
export function parseHookInput<E extends HookEvent>(
  raw: unknown,
  options: ParseHookInputOptions & { readonly event: E },
): HookInputFor<E>;
export function parseHookInput(raw: unknown, options?: ParseHookInputOptions): ParsedHookInput;
export function parseHookInput(raw: unknown, options: ParseHookInputOptions = {}): ParsedHookInput {
  if (options.event !== undefined && typeof options.event !== 'string') {
    throw new TypeError(`Expected options.event to be a string, got ${describeValue(options.event)}`);
  }
  const value = typeof raw === 'string' || raw instanceof Uint8Array ? parseStdinJson(raw) : raw;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WhiteboxError(
      'INPUT_INVALID',
      `Invalid hook input: expected a JSON object from Claude Code, received ${describeValue(value)}`,
    );
  }
  const record = value as Record<string, unknown>;
  const eventName = record['hook_event_name'];
  if (options.event !== undefined && typeof eventName === 'string' && eventName !== options.event) {
    throw new WhiteboxError(
      'INPUT_INVALID',
      `Invalid hook input: hook_event_name must be "${options.event}", received ${describeValue(eventName)}. ` +
        'Is this hook registered under the right event in settings?',
    );
  }
  const result = schemaFor(typeof eventName === 'string' ? eventName : '').safeParse(value);
  if (!result.success) {
    const event = typeof eventName === 'string' ? ` (${eventName})` : '';
    throw new WhiteboxError('INPUT_INVALID', `Invalid hook input${event}: ${formatZodIssues(result.error.issues, value)}`);
  }
  return value as ParsedHookInput;
}

function parseStdinJson(raw: string | Uint8Array): unknown {
  const source = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
  if (source.trim() === '') {
    throw new WhiteboxError(
      'INPUT_INVALID',
      'Invalid hook input: stdin is empty; expected the JSON object Claude Code writes to a hook',
    );
  }
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WhiteboxError(
      'INPUT_INVALID',
      `Invalid hook input: stdin is not JSON (${reason}); received ${describeValue(source)}`,
      { cause: error },
    );
  }
}

