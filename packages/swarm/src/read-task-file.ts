import { formatZodIssues, readJsonl, WhiteboxError } from '@whitebox/core';
import { SwarmTaskSchema } from './swarm-task.js';
import type { SwarmTask } from './swarm-task.js';
import { ProblemList } from './task-input-error.js';
import type { TaskCheck } from './task-input-error.js';

/** Options for {@link checkTaskFile}. */
export interface CheckTaskOptions {
  /** The model for tasks without one; when undefined, such tasks are a problem. */
  readonly defaultModel?: string | undefined;
}

/**
 * Reads a whole `tasks.jsonl` and lists every problem with its line number: lines that are not
 * JSON (a cut-off last line included), tasks that do not match {@link SwarmTaskSchema}, duplicate
 * ids and tasks without a model. It streams, so memory grows only with the number of ids.
 *
 * @throws {WhiteboxError} `IO` when the file cannot be read.
 */
export async function checkTaskFile(file: string, options: CheckTaskOptions = {}): Promise<TaskCheck> {
  const problems = new ProblemList();
  const firstLine = new Map<string, number>();
  const models = new Set<string>();
  let count = 0;
  const reader = readJsonl<unknown>(file, { maxMalformedLines: Number.MAX_SAFE_INTEGER });
  for await (const { line, record } of reader) {
    const parsed = SwarmTaskSchema.safeParse(record);
    if (!parsed.success) {
      problems.add(line, formatZodIssues(parsed.error.issues, record));
      continue;
    }
    const task = parsed.data;
    const id = String(task.id);
    const seen = firstLine.get(id);
    if (seen !== undefined) {
      problems.add(line, `duplicate id ${JSON.stringify(id)} (first on line ${seen})`);
      continue;
    }
    firstLine.set(id, line);
    const model = task.model ?? options.defaultModel;
    if (model === undefined) {
      problems.add(line, `task ${JSON.stringify(id)} has no model; give it "model" or pass --model`);
      continue;
    }
    models.add(model);
    count++;
  }
  for (const { line, reason } of reader.stats.malformedLines) problems.add(line, `not valid JSON: ${reason}`);
  return { count, models, problems: problems.list(), problemCount: problems.count };
}

/**
 * Streams the tasks of a `tasks.jsonl` that {@link checkTaskFile} found clean, one at a time, so
 * that a file of any size runs in flat memory.
 *
 * @throws {WhiteboxError} `INPUT_INVALID` when a line no longer parses (the file changed since the check).
 */
export async function* readTaskFile(file: string): AsyncGenerator<SwarmTask, void, undefined> {
  const reader = readJsonl<unknown>(file);
  for await (const { line, record } of reader) {
    const parsed = SwarmTaskSchema.safeParse(record);
    if (!parsed.success) {
      throw new WhiteboxError('INPUT_INVALID', `${file}: line ${line}: ${formatZodIssues(parsed.error.issues, record)}`);
    }
    yield parsed.data;
  }
  if (reader.stats.malformed > 0) {
    const first = reader.stats.malformedLines[0];
    throw new WhiteboxError('INPUT_INVALID', `${file}: line ${first?.line ?? '?'}: not valid JSON: ${first?.reason ?? ''}`);
  }
}
