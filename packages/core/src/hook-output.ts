import type {
  AsyncHookJSONOutput,
  HookJSONOutput,
  HookPermissionDecision,
  SyncHookJSONOutput,
} from '@anthropic-ai/claude-agent-sdk';
// zod/mini: every hook's output is parsed on the hook path, and the classic API costs ~70 ms to load.
import * as z from 'zod/mini';
import { isHookEvent } from './hook-input.js';
import { formatZodIssues } from './format-zod-issues.js';

export type { AsyncHookJSONOutput, HookJSONOutput, HookPermissionDecision, SyncHookJSONOutput };

/**
 * What running one hook handler produced. A command hook maps one to one; an http hook maps its
 * 2xx body to `stdout` with `exitCode: 0`, and a refused connection, a non-2xx status or a timeout
 * to `failedToStart`/`timedOut` (which is how Claude Code treats them: non-blocking).
 */
export interface HookResult {
  /** Names the hook in conflicts and error notices. @default `#<1-based position>` */
  readonly id?: string;
  /** The process exit code; `null` when it was killed by a signal or never ran. */
  readonly exitCode: number | null;
  /** Everything the hook wrote to stdout. */
  readonly stdout: string;
  /** Everything the hook wrote to stderr. */
  readonly stderr: string;
  /** Wall time from spawn to exit, in milliseconds. */
  readonly durationMs: number;
  /** The hook was killed at its timeout; Claude Code discards the output of such a hook. */
  readonly timedOut: boolean;
  /** The hook could not be started (spawn error, exit 127, connection refused). */
  readonly failedToStart: boolean;
  /** Why the hook failed to start or was stopped, for notices. */
  readonly error?: string;
  /**
   * Turn a timeout or a failure to start into a block (an exit 2 with a generated reason) instead
   * of Claude Code's fail-open "no decision". This is how hook-executor expresses a fail-closed
   * hook, such as an http hook with `"onFailure": "block"`. Has no effect on hooks that ran.
   * @default false
   */
  readonly failClosed?: boolean;
}

/** How a hook's stdout reads, the way Claude Code decides on exit 0. */
export type ParsedHookStdout =
  /** Plain text, including empty output and output that starts with `{` but is not JSON. */
  | { readonly kind: 'text'; readonly text: string }
  /** A JSON object that passed the output schema. */
  | { readonly kind: 'json'; readonly output: HookJSONOutput }
  /** JSON that fails the output schema: Claude Code reports it as a non-blocking error. */
  | { readonly kind: 'invalid'; readonly text: string; readonly error: string };

const permissionDecision = z.enum(['allow', 'deny', 'ask', 'defer']);

const permissionRequestDecision = z.discriminatedUnion('behavior', [
  z.looseObject({
    behavior: z.literal('allow'),
    updatedInput: z.optional(z.record(z.string(), z.unknown())),
    updatedPermissions: z.optional(z.array(z.looseObject({}))),
  }),
  z.looseObject({ behavior: z.literal('deny'), message: z.optional(z.string()), interrupt: z.optional(z.boolean()) }),
]);

const hookSpecificOutput = z.looseObject({
  hookEventName: z.string(),
  additionalContext: z.optional(z.string()),
  permissionDecision: z.optional(permissionDecision),
  permissionDecisionReason: z.optional(z.string()),
  updatedInput: z.optional(z.record(z.string(), z.unknown())),
});

const syncOutput = z.looseObject({
  continue: z.optional(z.boolean()),
  suppressOutput: z.optional(z.boolean()),
  stopReason: z.optional(z.string()),
  decision: z.optional(z.enum(['approve', 'block'])),
  reason: z.optional(z.string()),
  systemMessage: z.optional(z.string()),
  terminalSequence: z.optional(z.string()),
  hookSpecificOutput: z.optional(hookSpecificOutput),
});

const asyncOutput = z.looseObject({ async: z.literal(true), asyncTimeout: z.optional(z.number()) });

/** Options for {@link parseHookStdout}. */
export interface ParseHookStdoutOptions {
  /**
   * The event the hook ran for. `hookSpecificOutput.hookEventName` must then equal it, as Claude
   * Code requires, and PermissionRequest's `decision` object is checked.
   * @default undefined (not checked)
   */
  readonly event?: string;
}

/**
 * Reads a hook's stdout the way Claude Code does on exit 0: output whose first non-blank character
 * is `{` and that parses as JSON is checked against the output schema (`SyncHookJSONOutput` or the
 * `{"async": true}` declaration, unknown fields allowed); anything else, including `{` followed by
 * invalid JSON, is plain text. Call it only for exit 0: Claude Code ignores stdout on any other code.
 */
export function parseHookStdout(stdout: string, options: ParseHookStdoutOptions = {}): ParsedHookStdout {
  if (!stdout.trimStart().startsWith('{')) return { kind: 'text', text: stdout };
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    return { kind: 'text', text: stdout };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'text', text: stdout };

  if ((value as Record<string, unknown>)['async'] === true) {
    const parsed = asyncOutput.safeParse(value);
    return parsed.success
      ? { kind: 'json', output: value as AsyncHookJSONOutput }
      : { kind: 'invalid', text: stdout, error: formatZodIssues(parsed.error.issues, value) };
  }
  const parsed = syncOutput.safeParse(value);
  if (!parsed.success) return { kind: 'invalid', text: stdout, error: formatZodIssues(parsed.error.issues, value) };

  const specific = parsed.data.hookSpecificOutput;
  if (specific && options.event !== undefined) {
    if (specific.hookEventName !== options.event) {
      return {
        kind: 'invalid',
        text: stdout,
        error: `hookSpecificOutput.hookEventName: expected "${options.event}", received ${JSON.stringify(specific.hookEventName)}`,
      };
    }
    if (options.event === 'PermissionRequest' && specific['decision'] !== undefined) {
      const decision = permissionRequestDecision.safeParse(specific['decision']);
      if (!decision.success) {
        return {
          kind: 'invalid',
          text: stdout,
          error: formatZodIssues(decision.error.issues, specific['decision'], ['hookSpecificOutput', 'decision']),
        };
      }
    }
  }
  return { kind: 'json', output: value as SyncHookJSONOutput };
}

/** What one hook result amounts to before merging, following Claude Code's exit-code rules. */
export type HookOutcome =
  /** Killed at its timeout: output discarded, no decision. */
  | { readonly kind: 'timeout' }
  /** Never ran. Claude Code reports it as a non-blocking error. */
  | { readonly kind: 'failed-to-start'; readonly error: string }
  /** Exit 2: stderr is the message; stdout, JSON included, is ignored. */
  | { readonly kind: 'exit-2'; readonly stderr: string }
  /** Any other non-zero exit, a signal, or schema-invalid JSON on exit 0. */
  | { readonly kind: 'error'; readonly message: string }
  /** Exit 0 with a valid JSON object. */
  | { readonly kind: 'json'; readonly output: HookJSONOutput }
  /** Exit 0 with plain (possibly empty) stdout. */
  | { readonly kind: 'text'; readonly text: string };

/**
 * Classifies one result by Claude Code's rules: timeouts and failures to start give no decision,
 * exit 2 is a blocking error whose message is stderr, any other non-zero code is a non-blocking
 * error, and only exit 0 has its stdout read as JSON or text.
 */
export function classifyHookResult(event: string, result: HookResult): HookOutcome {
  if (result.timedOut) return { kind: 'timeout' };
  if (result.failedToStart) return { kind: 'failed-to-start', error: result.error ?? firstLine(result.stderr) ?? 'unknown error' };
  if (result.exitCode === 2) return { kind: 'exit-2', stderr: result.stderr };
  if (result.exitCode !== 0) {
    const detail = firstLine(result.stderr);
    const status = result.exitCode === null ? `was stopped${result.error ? ` (${result.error})` : ''}` : `failed with non-blocking status code ${result.exitCode}`;
    return { kind: 'error', message: detail ? `${status}: ${detail}` : status };
  }
  const parsed = parseHookStdout(result.stdout, { event });
  if (parsed.kind === 'invalid') return { kind: 'error', message: `returned JSON that fails validation: ${parsed.error}` };
  return parsed;
}

/** The first non-blank line of `text`, trimmed; `undefined` when there is none. */
export function firstLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '');
}

/**
 * What a block means for an event (hooks reference, "Exit code 2 behavior per event"):
 * `deny-tool` (PreToolUse), `deny-permission` (PermissionRequest), `erase-prompt` (UserPromptSubmit),
 * `block-expansion`, `keep-going` (Stop/SubagentStop/TeammateIdle: the agent continues),
 * `feedback` (PostToolUse/PostToolUseFailure: the reason goes to Claude, the tool already ran),
 * `stop-loop` (PostToolBatch), `reject` (TaskCreated/TaskCompleted), `block-change` (ConfigChange),
 * `block-compaction` (PreCompact), `decline` (Elicitation/ElicitationResult), `fail` (WorktreeCreate),
 * `block` (an event this version does not know), or `none` (the event cannot block).
 */
export type HookBlockEffect =
  | 'deny-tool'
  | 'deny-permission'
  | 'erase-prompt'
  | 'block-expansion'
  | 'keep-going'
  | 'feedback'
  | 'stop-loop'
  | 'reject'
  | 'block-change'
  | 'block-compaction'
  | 'decline'
  | 'fail'
  | 'block'
  | 'none';

/**
 * How a block reaches Claude Code on this event: `permission` (`hookSpecificOutput.permissionDecision`),
 * `permission-request` (`hookSpecificOutput.decision.behavior`), `decision` (top-level
 * `decision: "block"` + `reason`), `exit-code` (exit 2 + stderr only), `worktree` (any failure, or
 * no path), or `none`.
 */
export type HookBlockChannel = 'permission' | 'permission-request' | 'decision' | 'exit-code' | 'worktree' | 'none';

/** How Claude Code treats one event's hook output. */
export interface HookEventOutputTraits {
  /** What a block means; `none` when the event cannot block. */
  readonly blockEffect: HookBlockEffect;
  /** How a block is expressed. */
  readonly blockChannel: HookBlockChannel;
  /**
   * What exit 2 does: `block`, `user-error` (stderr shown to the user as a hook error, nothing
   * blocked) or `ignored` (debug log only).
   */
  readonly exit2: 'block' | 'user-error' | 'ignored';
  /** Plain stdout on exit 0 is added to Claude's context (otherwise it goes to the debug log). */
  readonly stdoutIsContext: boolean;
  /** Non-blocking errors are shown to the user (otherwise they go to the debug log). */
  readonly errorsShown: boolean;
  /** Output and exit code are ignored altogether (StopFailure). */
  readonly outputIgnored: boolean;
  /** The traits come from the hooks reference rather than a guess for an unknown event. */
  readonly documented: boolean;
}

function traits(
  blockEffect: HookBlockEffect,
  blockChannel: HookBlockChannel,
  exit2: HookEventOutputTraits['exit2'],
  extra: Partial<HookEventOutputTraits> = {},
): HookEventOutputTraits {
  return {
    blockEffect,
    blockChannel,
    exit2,
    stdoutIsContext: false,
    errorsShown: true,
    outputIgnored: false,
    documented: true,
    ...extra,
  };
}

const cannotBlock = (exit2: 'user-error' | 'ignored', extra: Partial<HookEventOutputTraits> = {}) =>
  traits('none', 'none', exit2, { errorsShown: exit2 === 'user-error', ...extra });

// Hooks reference: "Exit code 2 behavior per event", "Decision control" and each event's section.
// PreModelSwitch and PreSkillShellCommand follow PreToolUse (their SDK docs say "same contract");
// PostModelSwitch is treated like the other context-only events.
const OUTPUT_TRAITS: Readonly<Record<string, HookEventOutputTraits>> = {
  PreToolUse: traits('deny-tool', 'permission', 'block'),
  PreSkillShellCommand: traits('deny-tool', 'permission', 'block', { documented: false }),
  PreModelSwitch: traits('deny-tool', 'permission', 'block', { documented: false }),
  PermissionRequest: traits('deny-permission', 'permission-request', 'block'),
  UserPromptSubmit: traits('erase-prompt', 'decision', 'block', { stdoutIsContext: true }),
  UserPromptExpansion: traits('block-expansion', 'decision', 'block', { stdoutIsContext: true }),
  Stop: traits('keep-going', 'decision', 'block'),
  SubagentStop: traits('keep-going', 'decision', 'block'),
  PostToolUse: traits('feedback', 'decision', 'block'),
  PostToolUseFailure: traits('feedback', 'decision', 'block'),
  PostToolBatch: traits('stop-loop', 'decision', 'block'),
  ConfigChange: traits('block-change', 'decision', 'block'),
  PreCompact: traits('block-compaction', 'decision', 'block'),
  TeammateIdle: traits('keep-going', 'exit-code', 'block'),
  TaskCreated: traits('reject', 'exit-code', 'block'),
  TaskCompleted: traits('reject', 'exit-code', 'block'),
  Elicitation: traits('decline', 'exit-code', 'block'),
  ElicitationResult: traits('decline', 'exit-code', 'block'),
  WorktreeCreate: traits('fail', 'worktree', 'block'),
  SessionStart: cannotBlock('user-error', { stdoutIsContext: true }),
  Setup: cannotBlock('user-error'),
  SubagentStart: cannotBlock('user-error'),
  SessionEnd: cannotBlock('user-error'),
  Notification: cannotBlock('user-error'),
  CwdChanged: cannotBlock('user-error'),
  FileChanged: cannotBlock('user-error'),
  PostCompact: cannotBlock('user-error'),
  PostModelSwitch: cannotBlock('user-error', { documented: false }),
  PermissionDenied: cannotBlock('ignored'),
  InstructionsLoaded: cannotBlock('ignored'),
  DirectoryAdded: cannotBlock('ignored'),
  WorktreeRemove: cannotBlock('ignored'),
  MessageDisplay: cannotBlock('ignored'),
  StopFailure: cannotBlock('ignored', { outputIgnored: true }),
};

// An unknown event keeps whatever the hook meant: exit 2 stays exit 2, a JSON block stays one.
const UNKNOWN_EVENT_TRAITS = traits('block', 'decision', 'block', { documented: false });

/**
 * How Claude Code treats hook output for `event`: what exit 2 does, how a block is expressed,
 * whether plain stdout becomes context (UserPromptSubmit, UserPromptExpansion, SessionStart only)
 * and whether errors reach the user.
 */
export function hookEventOutputTraits(event: string): HookEventOutputTraits {
  return isHookEvent(event) ? (OUTPUT_TRAITS[event] ?? UNKNOWN_EVENT_TRAITS) : UNKNOWN_EVENT_TRAITS;
}
