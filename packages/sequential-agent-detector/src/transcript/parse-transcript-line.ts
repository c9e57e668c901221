/** The thread a transcript line belongs to: `main`, or the sub-agent's id for sidechain lines. */
export type TranscriptScope = string;

/** The scope of the main agent's own lines. */
export const MAIN_SCOPE = 'main';

/** A user line that starts a turn: a typed prompt or a background task's notification. */
export interface PromptEntry {
  readonly kind: 'prompt';
  readonly scope: TranscriptScope;
  /** The line's `promptId` (Claude Code ≥ 2.1.196), which hook inputs carry as `prompt_id`. */
  readonly promptId: string | undefined;
  /** True for `<task-notification>` turns that report a background sub-agent's result. */
  readonly taskNotification: boolean;
  /** Epoch milliseconds, when the line has a timestamp. */
  readonly timestamp: number | undefined;
}

/** What the call asked for, as far as delegation analysis cares. */
export interface SpawnInput {
  readonly description: string | undefined;
  readonly subagentType: string | undefined;
  /** `input.run_in_background`: true, false, or absent (then the client's default applies). */
  readonly runInBackground: boolean | undefined;
}

/** One `tool_use` block of an assistant line. */
export interface ToolUseBlock {
  readonly id: string;
  readonly name: string;
  /** Set when the tool is the sub-agent tool (`Agent`, formerly `Task`). */
  readonly spawn: SpawnInput | undefined;
}

/** An assistant line holding at least one `tool_use` block. */
export interface AssistantEntry {
  readonly kind: 'assistant';
  readonly scope: TranscriptScope;
  /** `message.id`, falling back to `requestId`, then to the line's uuid: the key that groups blocks. */
  readonly messageId: string;
  readonly toolUses: readonly ToolUseBlock[];
  readonly timestamp: number | undefined;
}

/** One `tool_result` block of a user line, with the structured result when the line has one. */
export interface ToolResultBlock {
  readonly toolUseId: string;
  readonly isError: boolean;
  /** `toolUseResult.status`: `completed`, `async_launched`, ... */
  readonly status: string | undefined;
  /** `toolUseResult.totalDurationMs` of a finished sub-agent. */
  readonly totalDurationMs: number | undefined;
  /** The start of the result text, enough to recognise launches and hook errors. */
  readonly text: string;
}

/** A user line carrying tool results. */
export interface ResultEntry {
  readonly kind: 'result';
  readonly scope: TranscriptScope;
  readonly promptId: string | undefined;
  readonly results: readonly ToolResultBlock[];
  readonly timestamp: number | undefined;
}

/** A transcript line that matters for delegation analysis. */
export type TranscriptEntry = PromptEntry | AssistantEntry | ResultEntry;

/** Options for {@link parseTranscriptLine}. */
export interface ParseTranscriptLineOptions {
  /**
   * Parse tool-result lines only when this returns true for the raw line. Results of other tools
   * (file contents, command output) are most of a transcript's bytes, and skipping their JSON.parse
   * is most of the scan's speed.
   * @default a cheap test for sub-agent results: `"agentId"`, an error, or a hook error
   */
  readonly wantResultLine?: (line: RawTranscriptLine) => boolean;
}

const RESULT_TEXT_CHARS = 400;
const SUBAGENT_TOOLS = new Set(['Agent', 'Task']);

/** The default {@link ParseTranscriptLineOptions.wantResultLine}: could this be a sub-agent's result? */
export function mayBeSpawnResult(line: RawTranscriptLine): boolean {
  return (
    line.includes('"agentId"') ||
    line.includes('"is_error":true') ||
    line.includes('Async agent launched') ||
    line.includes('hook error')
  );
}

/** A raw line: text, or its bytes straight from the file (tested before any decoding). */
export type RawTranscriptLine = string | Buffer;

/**
 * Turns one raw transcript line into a {@link TranscriptEntry}, or `undefined` when the line does
 * not matter for delegation (attachments, queue operations, text-only replies, other tools'
 * results, unknown line types) or is not valid JSON (a line cut off by a writer still writing).
 * Never throws. Cheap substring tests run before decoding and `JSON.parse`, so skipping costs little.
 *
 * @example
 * const entry = parseTranscriptLine('{"type":"user","message":{"role":"user","content":"hi"}}');
 * entry?.kind; // 'prompt'
 */
export function parseTranscriptLine(line: RawTranscriptLine, options: ParseTranscriptLineOptions = {}): TranscriptEntry | undefined {
  // Bookkeeping lines (api-request-blob, queue-operation, ...) lead with their type and can be
  // large copies of the conversation: reject them on the first bytes.
  if (startsWith(line, '{"type":"') && !startsWith(line, '{"type":"user"') && !startsWith(line, '{"type":"assistant"')) return undefined;
  const isAssistant = line.includes('"assistant"');
  const isUser = line.includes('"user"');
  if (!isAssistant && !isUser) return undefined;
  const hasToolUse = line.includes('"tool_use"');
  const hasToolResult = line.includes('"tool_result"');
  if (isAssistant && !isUser && !hasToolUse) return undefined;
  if (hasToolResult && !(options.wantResultLine ?? mayBeSpawnResult)(line)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(typeof line === 'string' ? line : line.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (value['type'] === 'assistant') return toAssistantEntry(value);
  if (value['type'] === 'user') return toUserEntry(value);
  return undefined;
}

/** True when `line` begins with the ASCII `prefix`. */
export function startsWith(line: RawTranscriptLine, prefix: string): boolean {
  if (typeof line === 'string') return line.startsWith(prefix);
  return line.length >= prefix.length && line.toString('latin1', 0, prefix.length) === prefix;
}

function toAssistantEntry(line: Record<string, unknown>): AssistantEntry | undefined {
  const message = line['message'];
  if (!isRecord(message) || !Array.isArray(message['content'])) return undefined;
  const toolUses: ToolUseBlock[] = [];
  for (const block of message['content']) {
    if (!isRecord(block) || block['type'] !== 'tool_use') continue;
    const id = block['id'];
    const name = block['name'];
    if (typeof id !== 'string' || typeof name !== 'string') continue;
    toolUses.push({ id, name, spawn: SUBAGENT_TOOLS.has(name) ? spawnInput(block['input']) : undefined });
  }
  if (toolUses.length === 0) return undefined;
  const messageId = stringField(message, 'id') ?? stringField(line, 'requestId') ?? stringField(line, 'uuid');
  if (messageId === undefined) return undefined;
  return { kind: 'assistant', scope: scopeOf(line), messageId, toolUses, timestamp: timestampOf(line) };
}

function toUserEntry(line: Record<string, unknown>): TranscriptEntry | undefined {
  const message = line['message'];
  if (!isRecord(message)) return undefined;
  const content = message['content'];
  const scope = scopeOf(line);
  const timestamp = timestampOf(line);
  const promptId = stringField(line, 'promptId');
  if (Array.isArray(content) && content.some((block) => isRecord(block) && block['type'] === 'tool_result')) {
    const structured = isRecord(line['toolUseResult']) ? line['toolUseResult'] : undefined;
    const blocks = content.filter((block): block is Record<string, unknown> => isRecord(block) && block['type'] === 'tool_result');
    const results: ToolResultBlock[] = [];
    for (const block of blocks) {
      const toolUseId = block['tool_use_id'];
      if (typeof toolUseId !== 'string') continue;
      // toolUseResult describes the line's result; with several blocks on one line (old clients)
      // it cannot be attributed, so those fall back to the text.
      const own = blocks.length === 1 ? structured : undefined;
      results.push({
        toolUseId,
        isError: block['is_error'] === true,
        status: own ? stringField(own, 'status') : undefined,
        totalDurationMs: own && typeof own['totalDurationMs'] === 'number' ? own['totalDurationMs'] : undefined,
        text: contentText(block['content']),
      });
    }
    return { kind: 'result', scope, promptId, results, timestamp };
  }
  if (line['isMeta'] === true || line['isCompactSummary'] === true || line['isVisibleInTranscriptOnly'] === true) return undefined;
  const isPrompt =
    typeof content === 'string' ||
    (Array.isArray(content) && content.some((block) => isRecord(block) && (block['type'] === 'text' || block['type'] === 'image')));
  if (!isPrompt) return undefined;
  const origin = line['origin'];
  const taskNotification =
    (isRecord(origin) && origin['kind'] === 'task-notification') ||
    (typeof content === 'string' && content.startsWith('<task-notification>'));
  return { kind: 'prompt', scope, promptId, taskNotification, timestamp };
}

function spawnInput(input: unknown): SpawnInput {
  if (!isRecord(input)) return { description: undefined, subagentType: undefined, runInBackground: undefined };
  const background = input['run_in_background'];
  return {
    description: stringField(input, 'description'),
    subagentType: stringField(input, 'subagent_type'),
    runInBackground: typeof background === 'boolean' ? background : undefined,
  };
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content.slice(0, RESULT_TEXT_CHARS);
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const block of content) {
    if (isRecord(block) && typeof block['text'] === 'string') text += block['text'];
    if (text.length >= RESULT_TEXT_CHARS) break;
  }
  return text.slice(0, RESULT_TEXT_CHARS);
}

function scopeOf(line: Record<string, unknown>): TranscriptScope {
  if (line['isSidechain'] !== true) return MAIN_SCOPE;
  return stringField(line, 'agentId') ?? 'sidechain';
}

function timestampOf(line: Record<string, unknown>): number | undefined {
  const raw = line['timestamp'];
  if (typeof raw !== 'string') return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
