import { WhiteboxError } from '@whitebox/core';

/** One call of a PostToolBatch input. */
export interface BatchToolCall {
  readonly toolName: string;
  readonly toolUseId: string;
  readonly toolInput: unknown;
  readonly toolResponse: unknown;
}

/**
 * The fields of a hook input the detector reads, checked by hand. `parseHookInput` from
 * `@whitebox/core` validates every field with zod, which adds tens of milliseconds of start-up to
 * a hook that runs on every sub-agent call and every prompt; this reads only what is needed.
 */
export interface DetectorHookInput {
  readonly event: string;
  readonly sessionId: string;
  readonly transcriptPath: string | undefined;
  readonly cwd: string | undefined;
  /** `prompt_id` (Claude Code ≥ 2.1.196): the prompt turn. */
  readonly promptId: string | undefined;
  /** `agent_id`: set when the hook fired inside a sub-agent. */
  readonly agentId: string | undefined;
  readonly toolName: string | undefined;
  readonly toolUseId: string | undefined;
  readonly toolInput: unknown;
  readonly toolCalls: readonly BatchToolCall[] | undefined;
  readonly prompt: string | undefined;
}

/**
 * Reads a hook's stdin JSON into a {@link DetectorHookInput}.
 *
 * @throws {WhiteboxError} `INPUT_INVALID` naming the field at fault when stdin is empty, not
 * JSON, not an object, or lacks `session_id` or `hook_event_name`, or a present field has the
 * wrong type.
 */
export function readDetectorHookInput(text: string): DetectorHookInput {
  if (text.trim() === '') throw invalid('stdin is empty; expected the JSON object Claude Code writes to a hook');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WhiteboxError('INPUT_INVALID', `Invalid hook input: stdin is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`expected a JSON object, received ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const record = value as Record<string, unknown>;
  const event = requiredString(record, 'hook_event_name');
  const sessionId = requiredString(record, 'session_id');
  const rawCalls = record['tool_calls'];
  let toolCalls: BatchToolCall[] | undefined;
  if (rawCalls !== undefined) {
    if (!Array.isArray(rawCalls)) throw invalid(`tool_calls must be an array, received ${typeof rawCalls}`);
    toolCalls = rawCalls.map((call, index) => {
      if (typeof call !== 'object' || call === null) throw invalid(`tool_calls[${index}] must be an object, received ${String(call)}`);
      const entry = call as Record<string, unknown>;
      return {
        toolName: requiredString(entry, 'tool_name', `tool_calls[${index}].`),
        toolUseId: requiredString(entry, 'tool_use_id', `tool_calls[${index}].`),
        toolInput: entry['tool_input'],
        toolResponse: entry['tool_response'],
      };
    });
  }
  return {
    event,
    sessionId,
    transcriptPath: optionalString(record, 'transcript_path'),
    cwd: optionalString(record, 'cwd'),
    promptId: optionalString(record, 'prompt_id'),
    agentId: optionalString(record, 'agent_id'),
    toolName: optionalString(record, 'tool_name'),
    toolUseId: optionalString(record, 'tool_use_id'),
    toolInput: record['tool_input'],
    toolCalls,
    prompt: optionalString(record, 'prompt'),
  };
}

function requiredString(record: Record<string, unknown>, key: string, prefix = ''): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') {
    throw invalid(`${prefix}${key} must be a non-empty string, received ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return value;
}

function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${key} must be a string, received ${typeof value}`);
  return value;
}

function invalid(message: string): WhiteboxError {
  return new WhiteboxError('INPUT_INVALID', `Invalid hook input: ${message}`);
}
