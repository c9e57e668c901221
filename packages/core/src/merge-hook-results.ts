import { isDeepStrictEqual } from 'node:util';
import { isHookEvent } from './hook-input.js';
import { classifyHookResult, firstLine, hookEventOutputTraits } from './hook-output.js';
import { describeValue } from './format-zod-issues.js';
import type {
  HookBlockEffect,
  HookOutcome,
  HookPermissionDecision,
  HookResult,
  SyncHookJSONOutput,
} from './hook-output.js';

/** Claude Code's cap on each hook output string (`additionalContext`, `systemMessage`, plain stdout). */
export const MAX_HOOK_OUTPUT_CHARS = 10_000;

/** Most restrictive wins: deny > defer > ask > allow (hooks reference, PreToolUse decision control). */
export const PERMISSION_DECISION_RANK: Readonly<Record<HookPermissionDecision, number>> = {
  allow: 0,
  ask: 1,
  defer: 2,
  deny: 3,
};

/** The output fields the 10,000-character cap applies to. */
export type CappedHookField = 'additionalContext' | 'systemMessage' | 'stdout';

/** Options for {@link mergeHookResults}. */
export interface MergeHookResultsOptions {
  /**
   * The per-string cap. A longer `additionalContext`, `systemMessage` or plain-stdout context is
   * replaced by `truncate`'s result.
   * @default MAX_HOOK_OUTPUT_CHARS (10,000)
   */
  readonly maxOutputChars?: number;
  /**
   * Replaces a string over the cap. Claude Code writes the full text to a file and keeps a preview
   * plus the path; a caller that can write files (hook-executor) can do the same here.
   * @default cuts the text to `maxOutputChars` characters, ending in a note of how much was cut
   */
  readonly truncate?: (text: string, info: { readonly hookId: string; readonly field: CappedHookField; readonly maxChars: number }) => string;
}

/** A final PermissionRequest decision (`hookSpecificOutput.decision`). */
export interface PermissionRequestDecision {
  /** Grant or refuse the permission. */
  readonly behavior: 'allow' | 'deny';
  /** allow: the tool input to use instead. */
  readonly updatedInput?: Readonly<Record<string, unknown>>;
  /** allow: permission rule updates, every hook's in configuration order. */
  readonly updatedPermissions?: readonly unknown[];
  /** deny: why, for Claude. */
  readonly message?: string;
  /** deny: also stop Claude. */
  readonly interrupt?: boolean;
}

/** Several hooks set the same field to different values; the last in configuration order wins. */
export interface HookConflict {
  /** The field, e.g. `hookSpecificOutput.updatedInput`. */
  readonly field: string;
  /** Every hook that set the field, in configuration order. */
  readonly hookIds: readonly string[];
  /** The hook whose value was kept. */
  readonly chosen: string;
}

/** A non-blocking problem with one hook: a failure, a timeout, bad JSON, or exit 2 where it cannot block. */
export interface HookNotice {
  /** The hook's `id`, or `#<position>`. */
  readonly hookId: string;
  /** E.g. `failed with non-blocking status code 1: <first stderr line>`. */
  readonly message: string;
  /** Claude Code shows it to the user (as a "hook error" notice); otherwise it goes to the debug log. */
  readonly shown: boolean;
}

/** A string that went over the cap and was replaced. */
export interface HookTruncation {
  /** The hook's `id`, or `#<position>`. */
  readonly hookId: string;
  /** Which output string was cut. */
  readonly field: CappedHookField;
  /** Its length before truncation. */
  readonly length: number;
}

/** How one input result was read, in configuration order. */
export interface MergedHookOutcome {
  /** The hook's `id`, or `#<position>`. */
  readonly hookId: string;
  /** Its {@link HookOutcome} kind, or `async` (declared itself async), `fail-closed` (a timeout or failure to start turned into a block) or `ignored` (StopFailure). */
  readonly kind: HookOutcome['kind'] | 'async' | 'fail-closed' | 'ignored';
}

/**
 * The one result Claude Code would act on, plus what a single command hook must print to make
 * Claude Code act on it (`exitCode`, `stdout`, `stderr`).
 */
export interface MergedHookResult {
  /** The event the results were merged for. */
  readonly event: string;
  /** Exit code for the single hook that stands in for all of them: 0, 1 (non-blocking error) or 2. */
  readonly exitCode: number;
  /** What that hook prints on stdout: a JSON object, plain context text, a worktree path, or nothing. */
  readonly stdout: string;
  /** What it prints on stderr: the block message on exit 2, the error on exit 1, else debug notes. */
  readonly stderr: string;
  /** Some hook blocked; what that means is {@link blockEffect}. */
  readonly blocked: boolean;
  /** What a block means on this event. */
  readonly blockEffect: HookBlockEffect;
  /** The block reasons, in configuration order. */
  readonly reasons: readonly string[];
  /** PreToolUse (and the other permission events): the most restrictive decision. */
  readonly permissionDecision?: HookPermissionDecision;
  /** The reasons given with the winning decision, joined with newlines. */
  readonly permissionDecisionReason?: string;
  /** PermissionRequest: the merged decision; deny beats allow. */
  readonly permissionRequestDecision?: PermissionRequestDecision;
  /** `false` when any hook returned `continue: false`. */
  readonly continue: boolean;
  /** The first `stopReason` in configuration order. */
  readonly stopReason?: string;
  /** Every `stopReason`, in configuration order. */
  readonly stopReasons: readonly string[];
  /** Every context string (JSON `additionalContext`, or plain stdout where it counts), in configuration order, capped. */
  readonly additionalContexts: readonly string[];
  /** Every `systemMessage`, in configuration order, capped. */
  readonly systemMessages: readonly string[];
  /** The tool input to run with (PreToolUse `updatedInput`, or PermissionRequest allow `updatedInput`). */
  readonly updatedInput?: Readonly<Record<string, unknown>>;
  /** Every other `hookSpecificOutput` field (`updatedToolOutput`, `sessionTitle`, `watchPaths`, ...), last in configuration order wins. */
  readonly hookSpecificOutput: Readonly<Record<string, unknown>>;
  /** WorktreeCreate: the path the hooks printed. */
  readonly worktreePath?: string;
  /** Non-blocking errors, in configuration order. */
  readonly errors: readonly HookNotice[];
  /** Fields that hooks set to different values. */
  readonly conflicts: readonly HookConflict[];
  /** Strings that went over the cap. */
  readonly truncated: readonly HookTruncation[];
  /** How each result was read, in input order. */
  readonly outcomes: readonly MergedHookOutcome[];
}

interface Contribution<T> {
  readonly hookId: string;
  readonly value: T;
}

interface Block {
  readonly hookId: string;
  readonly reason: string;
  readonly viaExit2: boolean;
}

interface ContextPiece {
  readonly text: string;
  readonly fromStdout: boolean;
}

interface PermissionVote {
  readonly decision: HookPermissionDecision;
  readonly reason?: string;
}

/**
 * Merges the results of every hook that ran for one event into the one result Claude Code would act
 * on. `results` must be in configuration order: everything order-dependent follows it, so the merge
 * is deterministic where Claude Code goes by finish order.
 *
 * - Exit 2 blocks on events that can block; the message is stderr. JSON is read on exit 0 only.
 *   Where exit 2 cannot block, its stderr becomes a notice shown to the user or a debug note.
 * - PreToolUse: deny > defer > ask > allow; exit 2 counts as deny; the legacy top-level
 *   `decision: "approve" | "block"` counts as allow / deny when `permissionDecision` is absent.
 * - PermissionRequest: any deny (or exit 2) beats allow.
 * - Top-level `decision: "block"` blocks on the events that honour it (Stop, PostToolUse, UserPromptSubmit, ...).
 * - Any `continue: false` stops; the first `stopReason` is the reason, all are kept.
 * - Every `additionalContext` and `systemMessage` is kept, in configuration order. Plain stdout is
 *   context only on UserPromptSubmit, UserPromptExpansion and SessionStart.
 * - `updatedInput` and every other `hookSpecificOutput` field: the last in configuration order
 *   wins and differing values are reported in `conflicts`.
 * - Each string over the 10,000-character cap is replaced (see {@link MergeHookResultsOptions.truncate}).
 * - Any other exit code, bad JSON or a failure to start is a non-blocking error. A timed-out or
 *   unstartable hook gives no decision (fail-open) unless its result says `failClosed: true`, in
 *   which case it blocks like an exit 2.
 *
 * The rendered `exitCode`/`stdout`/`stderr` use JSON on exit 0 wherever the event has a JSON form
 * for the outcome, because only that form carries everything at once; exit 2 is used for blocks
 * that exist only as an exit code (TeammateIdle, TaskCreated, Elicitation, ...), where Claude Code
 * ignores stdout. Non-blocking errors become exit 1 when there is nothing else to say, otherwise
 * lines of `systemMessage`.
 *
 * @throws {TypeError} When `event` is not a non-empty string or a result is malformed.
 * @example
 * const merged = mergeHookResults('PreToolUse', results);
 * process.stdout.write(merged.stdout);
 * process.stderr.write(merged.stderr);
 * process.exitCode = merged.exitCode;
 */
export function mergeHookResults(
  event: string,
  results: readonly HookResult[],
  options: MergeHookResultsOptions = {},
): MergedHookResult {
  if (typeof event !== 'string' || event === '') {
    throw new TypeError(`Expected event to be a non-empty string, got ${describeValue(event)}`);
  }
  if (!Array.isArray(results)) throw new TypeError(`Expected results to be an array, got ${describeValue(results)}`);
  results.forEach(checkResult);
  const maxChars = options.maxOutputChars ?? MAX_HOOK_OUTPUT_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 1) {
    throw new TypeError(`Expected options.maxOutputChars to be a positive integer, got ${describeValue(maxChars)}`);
  }
  if (options.truncate !== undefined && typeof options.truncate !== 'function') {
    throw new TypeError(`Expected options.truncate to be a function, got ${describeValue(options.truncate)}`);
  }
  const truncate = options.truncate ?? defaultTruncate;

  const traits = hookEventOutputTraits(event);
  const channel = traits.blockChannel;
  const outcomes: MergedHookOutcome[] = [];
  const blocks: Block[] = [];
  const votes: PermissionVote[] = [];
  const requestDecisions: Contribution<Record<string, unknown>>[] = [];
  const contexts: ContextPiece[] = [];
  const systemMessages: string[] = [];
  const stopReasons: string[] = [];
  const terminalSequences: string[] = [];
  const lastWins = new Map<string, Contribution<unknown>[]>();
  const worktreePaths: Contribution<string>[] = [];
  const notices: HookNotice[] = [];
  const truncated: HookTruncation[] = [];
  let stopped = false;

  const cap = (text: string, hookId: string, field: CappedHookField): string => {
    if (text.length <= maxChars) return text;
    truncated.push({ hookId, field, length: text.length });
    return truncate(text, { hookId, field, maxChars });
  };

  const block = (hookId: string, reason: string, viaExit2: boolean): void => {
    if (channel === 'permission') votes.push({ decision: 'deny', reason });
    else if (channel === 'permission-request') {
      requestDecisions.push({ hookId, value: { behavior: 'deny', message: reason } });
    } else blocks.push({ hookId, reason, viaExit2 });
  };

  const notice = (hookId: string, message: string, shown = traits.errorsShown): void => {
    notices.push({ hookId, message, shown });
    if (channel === 'worktree') blocks.push({ hookId, reason: `Hook ${hookId} ${message}`, viaExit2: false });
  };

  const applyJson = (hookId: string, output: SyncHookJSONOutput): void => {
    if (output.continue === false) {
      stopped = true;
      if (output.stopReason) stopReasons.push(output.stopReason);
    }
    if (output.systemMessage) systemMessages.push(cap(output.systemMessage, hookId, 'systemMessage'));
    if (output.terminalSequence) terminalSequences.push(output.terminalSequence);
    const specific = output.hookSpecificOutput as Record<string, unknown> | undefined;
    const handled = new Set(['hookEventName', 'additionalContext']);

    if (channel === 'permission') {
      handled.add('permissionDecision').add('permissionDecisionReason');
      const own = specific?.['permissionDecision'] as HookPermissionDecision | undefined;
      // The deprecated top-level form maps approve → allow and block → deny (PreToolUse only).
      const legacy = output.decision === 'approve' ? 'allow' : output.decision === 'block' ? 'deny' : undefined;
      const decision = own ?? legacy;
      if (decision) {
        const reason = own ? (specific?.['permissionDecisionReason'] as string | undefined) : output.reason;
        votes.push(reason === undefined ? { decision } : { decision, reason });
      }
    } else if (channel === 'permission-request') {
      handled.add('decision');
      const decision = specific?.['decision'];
      if (decision && typeof decision === 'object') {
        requestDecisions.push({ hookId, value: decision as Record<string, unknown> });
      }
    } else if (channel === 'decision') {
      if (output.decision === 'block') block(hookId, output.reason || `Blocked by hook ${hookId}`, false);
    } else if (channel === 'worktree') {
      handled.add('worktreePath');
      const path = specific?.['worktreePath'];
      if (typeof path === 'string' && path !== '') worktreePaths.push({ hookId, value: path });
    }

    if (!specific) return;
    const context = specific['additionalContext'];
    if (typeof context === 'string' && context !== '') {
      contexts.push({ text: cap(context, hookId, 'additionalContext'), fromStdout: false });
    }
    for (const [key, value] of Object.entries(specific)) {
      if (handled.has(key) || value === undefined) continue;
      const list = lastWins.get(key) ?? [];
      list.push({ hookId, value });
      lastWins.set(key, list);
    }
  };

  results.forEach((result, index) => {
    const hookId = result.id ?? `#${index + 1}`;
    if (traits.outputIgnored) {
      outcomes.push({ hookId, kind: 'ignored' });
      return;
    }
    let outcome = classifyHookResult(event, result);
    let kind: MergedHookOutcome['kind'] = outcome.kind;
    if (result.failClosed && (outcome.kind === 'timeout' || outcome.kind === 'failed-to-start')) {
      const what = outcome.kind === 'timeout' ? `timed out after ${result.durationMs} ms` : `failed to start (${outcome.error})`;
      outcome = { kind: 'exit-2', stderr: `Hook ${hookId} ${what} and is set to fail closed` };
      kind = 'fail-closed';
    }

    switch (outcome.kind) {
      case 'timeout':
        notice(hookId, `timed out after ${result.durationMs} ms; its output was discarded`);
        break;
      case 'failed-to-start':
        notice(hookId, `failed to start: ${outcome.error}`);
        break;
      case 'error':
        notice(hookId, outcome.message);
        break;
      case 'exit-2': {
        const reason = outcome.stderr.trim() || `Hook ${hookId} exited with code 2`;
        if (traits.exit2 === 'block') block(hookId, reason, true);
        else notice(hookId, `exited with code 2: ${firstLine(reason) ?? ''}`, traits.exit2 === 'user-error');
        break;
      }
      case 'text': {
        const text = outcome.text.trimEnd();
        if (channel === 'worktree') {
          const path = lastLine(stripAnsi(text));
          if (path) worktreePaths.push({ hookId, value: path });
        } else if (traits.stdoutIsContext && text.trim() !== '') {
          contexts.push({ text: cap(text, hookId, 'stdout'), fromStdout: true });
        }
        break;
      }
      case 'json':
        if ('async' in outcome.output && outcome.output.async === true) kind = 'async';
        else applyJson(hookId, outcome.output as SyncHookJSONOutput);
        break;
    }
    outcomes.push({ hookId, kind });
  });

  const conflicts: HookConflict[] = [];
  const resolve = <T>(field: string, contributions: readonly Contribution<T>[]): T | undefined => {
    const last = contributions.at(-1);
    if (!last) return undefined;
    const distinct = contributions.filter((c, i) => contributions.findIndex((d) => isDeepStrictEqual(c.value, d.value)) === i);
    if (distinct.length > 1) conflicts.push({ field, hookIds: contributions.map((c) => c.hookId), chosen: last.hookId });
    return last.value;
  };

  const hookSpecificOutput: Record<string, unknown> = {};
  for (const [key, contributions] of lastWins) {
    hookSpecificOutput[key] = resolve(`hookSpecificOutput.${key}`, contributions);
  }

  let blocked = blocks.length > 0;
  let reasons = blocks.map((b) => b.reason);
  let permissionDecision: HookPermissionDecision | undefined;
  let permissionDecisionReason: string | undefined;
  let permissionRequestDecision: PermissionRequestDecision | undefined;
  let updatedInput = hookSpecificOutput['updatedInput'] as Record<string, unknown> | undefined;
  let worktreePath: string | undefined;

  if (channel === 'permission' && votes.length > 0) {
    const winner = votes.reduce((a, b) => (PERMISSION_DECISION_RANK[b.decision] > PERMISSION_DECISION_RANK[a.decision] ? b : a));
    permissionDecision = winner.decision;
    const winningReasons = votes.filter((v) => v.decision === winner.decision && v.reason).map((v) => v.reason as string);
    if (winningReasons.length > 0) permissionDecisionReason = winningReasons.join('\n');
    blocked = permissionDecision === 'deny';
    reasons = blocked ? winningReasons : [];
  } else if (channel === 'permission-request' && requestDecisions.length > 0) {
    const denies = requestDecisions.filter((d) => d.value['behavior'] === 'deny');
    if (denies.length > 0) {
      const messages = denies.map((d) => d.value['message']).filter((m): m is string => typeof m === 'string' && m !== '');
      const interrupt = denies.some((d) => d.value['interrupt'] === true);
      permissionRequestDecision = {
        behavior: 'deny',
        ...(messages.length > 0 && { message: messages.join('\n') }),
        ...(interrupt && { interrupt: true }),
      };
      blocked = true;
      reasons = messages;
    } else {
      const allows = requestDecisions.filter((d) => d.value['behavior'] === 'allow');
      const inputs = allows
        .filter((d) => d.value['updatedInput'] !== undefined)
        .map((d) => ({ hookId: d.hookId, value: d.value['updatedInput'] as Record<string, unknown> }));
      updatedInput = resolve('hookSpecificOutput.decision.updatedInput', inputs);
      const permissions = allows.flatMap((d) => (Array.isArray(d.value['updatedPermissions']) ? d.value['updatedPermissions'] : []));
      permissionRequestDecision = {
        behavior: 'allow',
        ...(updatedInput && { updatedInput }),
        ...(permissions.length > 0 && { updatedPermissions: permissions }),
      };
    }
  } else if (channel === 'worktree' && results.length > 0) {
    worktreePath = resolve('worktreePath', worktreePaths);
    if (!blocked && worktreePath === undefined) {
      blocked = true;
      reasons = ['No WorktreeCreate hook printed a worktree path'];
    }
  }

  const additionalContexts = contexts.map((c) => c.text);
  const rendered = render();

  return {
    event,
    ...rendered,
    blocked,
    blockEffect: traits.blockEffect,
    reasons,
    ...(permissionDecision && { permissionDecision }),
    ...(permissionDecisionReason !== undefined && { permissionDecisionReason }),
    ...(permissionRequestDecision && { permissionRequestDecision }),
    continue: !stopped,
    ...(stopReasons[0] !== undefined && { stopReason: stopReasons[0] }),
    stopReasons,
    additionalContexts,
    systemMessages,
    ...(updatedInput && { updatedInput }),
    hookSpecificOutput,
    ...(worktreePath !== undefined && { worktreePath }),
    errors: notices,
    conflicts,
    truncated,
    outcomes,
  };

  function render(): { exitCode: number; stdout: string; stderr: string } {
    const shown = notices.filter((n) => n.shown).map((n) => `Hook ${n.hookId} ${n.message}`);
    const debug = notices
      .filter((n) => !n.shown)
      .map((n) => `Hook ${n.hookId} ${n.message}`)
      .join('\n');
    if (traits.outputIgnored) return { exitCode: 0, stdout: '', stderr: '' };
    if (channel === 'worktree') {
      return blocked
        ? { exitCode: 1, stdout: '', stderr: reasons.join('\n') }
        : { exitCode: 0, stdout: worktreePath === undefined ? '' : `${worktreePath}\n`, stderr: debug };
    }
    // `continue: false` takes precedence over any event-specific decision, and an exit-2 render
    // could not carry it, so a stop is always rendered as JSON.
    const unknownEvent = !isHookEvent(event);
    const exitCodeOnly = channel === 'exit-code' || (unknownEvent && blocks.some((b) => b.viaExit2));
    if (blocked && !stopped && exitCodeOnly) return { exitCode: 2, stdout: '', stderr: reasons.join('\n') };

    const specific: Record<string, unknown> = {};
    if (permissionDecision) {
      specific['permissionDecision'] = permissionDecision;
      if (permissionDecisionReason !== undefined) specific['permissionDecisionReason'] = permissionDecisionReason;
    }
    if (permissionRequestDecision) specific['decision'] = permissionRequestDecision;
    Object.assign(specific, hookSpecificOutput);

    const onlyPlainContext =
      contexts.length > 0 &&
      contexts.every((c) => c.fromStdout) &&
      Object.keys(specific).length === 0 &&
      !stopped &&
      !blocked &&
      systemMessages.length === 0 &&
      terminalSequences.length === 0 &&
      shown.length === 0;
    if (onlyPlainContext) return { exitCode: 0, stdout: additionalContexts.join('\n'), stderr: debug };
    if (additionalContexts.length > 0) specific['additionalContext'] = additionalContexts.join('\n');

    const json: Record<string, unknown> = {};
    if (stopped) {
      json['continue'] = false;
      if (stopReasons.length > 0) json['stopReason'] = stopReasons.join('\n');
    }
    if (blocked && channel === 'decision') {
      json['decision'] = 'block';
      json['reason'] = reasons.join('\n');
    }
    const messages = [...systemMessages];
    if (terminalSequences.length > 0) json['terminalSequence'] = terminalSequences.join('');
    if (Object.keys(specific).length > 0) json['hookSpecificOutput'] = { hookEventName: event, ...specific };

    if (Object.keys(json).length === 0 && messages.length === 0) {
      if (shown.length > 0) {
        // Claude Code shows only the first stderr line of a failed hook, so all of them go on it.
        return { exitCode: 1, stdout: '', stderr: [shown.join('; '), debug].filter(Boolean).join('\n') };
      }
      return { exitCode: 0, stdout: '', stderr: debug };
    }
    messages.push(...shown);
    const ordered: Record<string, unknown> = {};
    for (const key of ['continue', 'stopReason', 'decision', 'reason']) if (key in json) ordered[key] = json[key];
    if (messages.length > 0) ordered['systemMessage'] = messages.join('\n');
    for (const key of ['terminalSequence', 'hookSpecificOutput']) if (key in json) ordered[key] = json[key];
    return { exitCode: 0, stdout: JSON.stringify(ordered), stderr: debug };
  }
}

function defaultTruncate(text: string, info: { readonly maxChars: number }): string {
  const note = (cut: number) => `\n… [${cut} more characters cut: hook output is capped at ${info.maxChars} characters]`;
  // The note's length depends on how much is cut, so size it for the worst case first.
  const keep = Math.max(0, info.maxChars - note(text.length).length);
  return `${text.slice(0, keep)}${note(text.length - keep)}`.slice(0, info.maxChars);
}

function lastLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1);
}

// Claude Code strips ANSI escapes before reading a WorktreeCreate path (hooks reference).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function checkResult(result: unknown, index: number): void {
  const where = `results[${index}]`;
  if (typeof result !== 'object' || result === null) {
    throw new TypeError(`Expected ${where} to be a hook result object, got ${describeValue(result)}`);
  }
  const r = result as Record<string, unknown>;
  for (const key of ['stdout', 'stderr'] as const) {
    if (typeof r[key] !== 'string') throw new TypeError(`Expected ${where}.${key} to be a string, got ${describeValue(r[key])}`);
  }
  if (r['exitCode'] !== null && !Number.isInteger(r['exitCode'])) {
    throw new TypeError(`Expected ${where}.exitCode to be an integer or null, got ${describeValue(r['exitCode'])}`);
  }
  for (const key of ['timedOut', 'failedToStart'] as const) {
    if (typeof r[key] !== 'boolean') throw new TypeError(`Expected ${where}.${key} to be a boolean, got ${describeValue(r[key])}`);
  }
  if (typeof r['durationMs'] !== 'number' || Number.isNaN(r['durationMs'])) {
    throw new TypeError(`Expected ${where}.durationMs to be a number, got ${describeValue(r['durationMs'])}`);
  }
  if (r['id'] !== undefined && typeof r['id'] !== 'string') {
    throw new TypeError(`Expected ${where}.id to be a string, got ${describeValue(r['id'])}`);
  }
}
