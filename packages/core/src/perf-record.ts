// zod/mini: hook-executor appends records on every event, and the classic API costs ~70 ms to load.
import * as z from 'zod/mini';
import { WhiteboxError } from './errors.js';
import { formatZodIssues } from './format-zod-issues.js';
import { appendJsonlSync } from './jsonl-appender.js';

/** The record format's version; readers skip records with another `v` and count them. */
export const PERF_RECORD_VERSION = 1;

/** What became of a timed hook or tool call. */
export const PerfOutcomeSchema = z.enum(['ok', 'blocked', 'error', 'timeout']);

/**
 * Who ran the hook: Claude Code itself (one command, `single`, as `perf-tracker wrap` sees it),
 * hook-executor's one-shot `run`, or hook-executor's resident server. `import` marks records read
 * back from transcripts.
 */
export const PerfRunnerSchema = z.enum(['single', 'executor-parallel', 'executor-server', 'import']);

/**
 * One line of `hook_performance.jsonl`. Deliberately holds no prompt text, tool input, file
 * contents or keys: only names, ids, timings and outcomes. Unknown fields are kept, so newer
 * writers do not break older readers.
 */
export const PerfRecordSchema = z.looseObject({
  /** Format version, {@link PERF_RECORD_VERSION}. */
  v: z.literal(PERF_RECORD_VERSION),
  /** When the hook or tool call started, ISO 8601. */
  ts: z.iso.datetime({ offset: true }),
  session_id: z.string(),
  /** The hook event, e.g. `PreToolUse`. */
  event: z.string(),
  /** `hook` for a hook's run, `tool` for a tool call's latency. */
  kind: z.enum(['hook', 'tool']),
  /** The hook's configured id, or `cmd:<hash>` of its command (see `hookIdForCommand`). */
  hook: z.optional(z.string()),
  duration_ms: z.number().check(z.nonnegative()),
  outcome: PerfOutcomeSchema,
  runner: PerfRunnerSchema,
  tool_name: z.optional(z.string()),
  tool_use_id: z.optional(z.string()),
  /** The hook's exit code, when it ran as a command. */
  exit_code: z.optional(z.nullable(z.int())),
  /** A stable key for records that may be written twice (transcript imports); readers dedupe on it. */
  key: z.optional(z.string()),
});

/** One timing record; see {@link PerfRecordSchema}. */
export type PerfRecord = z.infer<typeof PerfRecordSchema>;

/** A timing outcome. */
export type PerfOutcome = z.infer<typeof PerfOutcomeSchema>;

/** A runner name. */
export type PerfRunner = z.infer<typeof PerfRunnerSchema>;

/** Options for {@link appendPerfRecords}. */
export interface AppendPerfRecordsOptions {
  /**
   * Check each record against {@link PerfRecordSchema} first. Turn it off only for records the
   * caller builds from typed values: the first validation in a process costs about 2 ms, which a
   * hook pays on every event.
   * @default true
   */
  readonly validate?: boolean;
}

/**
 * Appends timing records as whole lines in one write, safe beside other processes appending to the
 * same file. Records are validated first, so a bad record never reaches the file.
 *
 * @throws WhiteboxError('INPUT_INVALID') naming the field when a record does not match the schema.
 */
export function appendPerfRecords(
  file: string,
  records: PerfRecord | readonly PerfRecord[],
  options: AppendPerfRecordsOptions = {},
): void {
  const list = Array.isArray(records) ? (records as readonly PerfRecord[]) : [records as PerfRecord];
  for (const [i, record] of options.validate === false ? [] : list.entries()) {
    const result = PerfRecordSchema.safeParse(record);
    if (!result.success) {
      throw new WhiteboxError('INPUT_INVALID', `Invalid perf record${list.length > 1 ? ` #${i}` : ''}: ${formatZodIssues(result.error.issues, record)}`);
    }
  }
  appendJsonlSync(file, list);
}
