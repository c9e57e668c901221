import { hookIdForCommand } from '@whitebox/core';
import type { PerfOutcome, PerfRecord } from '@whitebox/core';

/** Collects timing records from the lines of one Claude Code transcript; see {@link createTranscriptTimings}. */
export interface TranscriptTimings {
  /** Feeds one parsed transcript line, in file order. */
  add(line: unknown): void;
  /** The records found so far, each `key` once. */
  records(): PerfRecord[];
}

/** Options for {@link createTranscriptTimings}. */
export interface TranscriptTimingsOptions {
  /** The session id for lines without `sessionId`, usually the file name. */
  readonly fallbackSessionId: string;
}

const ATTACHMENT_OUTCOMES: Readonly<Record<string, PerfOutcome>> = {
  hook_success: 'ok',
  hook_additional_context: 'ok',
  hook_non_blocking_error: 'error',
  hook_error_during_execution: 'error',
  hook_blocking_error: 'blocked',
  hook_stopped_continuation: 'blocked',
  hook_cancelled: 'timeout',
};

/** What the model receives when a hook denies a tool call: `PreToolUse:Bash hook error: …`. */
const HOOK_DENIAL = /^\w+(?::[^\s]+)? hook error/;

interface PendingToolUse {
  readonly name: string;
  readonly start: number;
  readonly session: string;
}

type Json = Record<string, unknown>;

/**
 * Reads hook and tool durations out of a transcript (see the protocol reference §5.7), so that
 * sessions that were never instrumented can be analysed too. Only names, ids and timings are kept:
 * never prompt text, tool input or output.
 *
 * - Tools: a `tool_use` block (assistant line) is paired with its `tool_result` (user line) by id.
 *   The duration is `toolUseResult.totalDurationMs` / `durationMs` when the line holds that single
 *   result, else the time between the two lines. Blocks are read from every line, so both shapes
 *   work: one content block per line (current Claude Code) and several per line (older versions).
 * - Hooks: `system`/`stop_hook_summary` lines (`hookInfos[].durationMs`, Stop or SubagentStop) and
 *   hook `attachment` lines that carry `durationMs`.
 *
 * Every record has a `key` derived from the session and the tool or line id, so importing the same
 * transcript twice adds nothing.
 */
export function createTranscriptTimings(options: TranscriptTimingsOptions): TranscriptTimings {
  const pending = new Map<string, PendingToolUse>();
  const found = new Map<string, PerfRecord>();
  const keep = (record: PerfRecord): void => {
    if (!found.has(record.key!)) found.set(record.key!, record);
  };

  return {
    add(value) {
      if (!isObject(value)) return;
      const line = value;
      const time = typeof line['timestamp'] === 'string' ? Date.parse(line['timestamp']) : NaN;
      if (!Number.isFinite(time)) return;
      const session = typeof line['sessionId'] === 'string' && line['sessionId'] !== '' ? line['sessionId'] : options.fallbackSessionId;
      const type = line['type'];
      if (type === 'assistant') {
        for (const block of contentBlocks(line)) {
          if (block['type'] === 'tool_use' && typeof block['id'] === 'string' && typeof block['name'] === 'string') {
            if (!pending.has(block['id'])) pending.set(block['id'], { name: block['name'], start: time, session });
          }
        }
      } else if (type === 'user') {
        const results = contentBlocks(line).filter((b) => b['type'] === 'tool_result' && typeof b['tool_use_id'] === 'string');
        const toolUseResult = results.length === 1 && isObject(line['toolUseResult']) ? line['toolUseResult'] : undefined;
        for (const block of results) {
          const id = block['tool_use_id'] as string;
          const use = pending.get(id);
          if (use === undefined) continue;
          pending.delete(id);
          const reported = toolUseResult?.['totalDurationMs'] ?? toolUseResult?.['durationMs'];
          const duration = typeof reported === 'number' && Number.isFinite(reported) && reported >= 0 ? reported : time - use.start;
          if (!(duration >= 0)) continue;
          const outcome: PerfOutcome = block['is_error'] === true ? (HOOK_DENIAL.test(firstText(block['content'])) ? 'blocked' : 'error') : 'ok';
          keep({
            v: 1,
            ts: new Date(use.start).toISOString(),
            session_id: use.session,
            event: outcome === 'ok' ? 'PostToolUse' : 'PostToolUseFailure',
            kind: 'tool',
            duration_ms: duration,
            outcome,
            runner: 'import',
            tool_name: use.name,
            tool_use_id: id,
            key: `import:tool:${use.session}:${id}`,
          });
        }
      } else if (type === 'system' && line['subtype'] === 'stop_hook_summary' && Array.isArray(line['hookInfos'])) {
        const infos = line['hookInfos'].filter(isObject);
        const failed = new Set(Array.isArray(line['failedHookErrorIndexes']) ? line['failedHookErrorIndexes'] : []);
        const event =
          typeof line['hookEvent'] === 'string' ? line['hookEvent'] : line['isSidechain'] === true || typeof line['agentId'] === 'string' ? 'SubagentStop' : 'Stop';
        const durations = infos.map((info) => (typeof info['durationMs'] === 'number' ? info['durationMs'] : NaN));
        // The summary is written once every hook has finished; they started together.
        const start = time - Math.max(0, ...durations.filter(Number.isFinite));
        const lineId = typeof line['uuid'] === 'string' ? line['uuid'] : String(time);
        for (const [i, info] of infos.entries()) {
          const duration = durations[i]!;
          if (!(duration >= 0) || typeof info['command'] !== 'string') continue;
          keep({
            v: 1,
            ts: new Date(start).toISOString(),
            session_id: session,
            event,
            kind: 'hook',
            hook: hookIdForCommand(info['command']),
            duration_ms: duration,
            outcome: failed.has(i) ? 'error' : line['preventedContinuation'] === true ? 'blocked' : 'ok',
            runner: 'import',
            key: `import:hook:${session}:${lineId}:${i}`,
          });
        }
      } else if (type === 'attachment' && isObject(line['attachment'])) {
        const a = line['attachment'];
        const kind = a['type'];
        const duration = a['durationMs'];
        if (typeof kind !== 'string' || !kind.startsWith('hook_') || typeof duration !== 'number' || !(duration >= 0)) return;
        const event = typeof a['hookEvent'] === 'string' ? a['hookEvent'] : typeof a['hookName'] === 'string' ? a['hookName'].split(':')[0]! : 'unknown';
        const command = typeof a['command'] === 'string' ? a['command'] : undefined;
        const hook = command !== undefined ? hookIdForCommand(command) : typeof a['hookName'] === 'string' ? `name:${a['hookName']}` : '(unnamed)';
        const toolUseId = typeof a['toolUseID'] === 'string' ? a['toolUseID'] : undefined;
        const firing = toolUseId ?? (typeof line['uuid'] === 'string' ? line['uuid'] : String(time));
        const exitCode = a['exitCode'];
        keep({
          v: 1,
          ts: new Date(time - duration).toISOString(),
          session_id: session,
          event,
          kind: 'hook',
          hook,
          duration_ms: duration,
          outcome: ATTACHMENT_OUTCOMES[kind] ?? 'ok',
          runner: 'import',
          ...(toolUseId?.startsWith('toolu_') ? { tool_use_id: toolUseId } : {}),
          // HTTP hooks report a status code here, not an exit code.
          ...(Number.isInteger(exitCode) && !command?.startsWith('http') ? { exit_code: exitCode as number } : {}),
          key: `import:hook:${session}:${event}:${firing}:${hook}`,
        });
      }
    },
    records() {
      return [...found.values()];
    },
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contentBlocks(line: Json): Json[] {
  const message = line['message'];
  if (!isObject(message) || !Array.isArray(message['content'])) return [];
  return message['content'].filter(isObject);
}

function firstText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const text = content.find((b) => isObject(b) && typeof b['text'] === 'string') as Json | undefined;
    return typeof text?.['text'] === 'string' ? text['text'] : '';
  }
  return '';
}
