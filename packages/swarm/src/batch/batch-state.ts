import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { WhiteboxError } from '@whitebox/core';

const BatchEntrySchema = z.looseObject({
  /** The split input file on disk, kept until its results are collected. */
  file: z.string(),
  /** Request lines in it. */
  lines: z.number().int().nonnegative(),
  /** Set once uploaded. */
  input_file_id: z.string().nullish(),
  /** Set once the batch exists; a re-run polls it instead of submitting again. */
  batch_id: z.string().nullish(),
  /** The last status seen. */
  status: z.string().nullish(),
  /** Set once its output and error files were written to the results. */
  collected: z.boolean().nullish(),
});

/** One submitted (or being submitted) input file. */
export type BatchEntry = z.infer<typeof BatchEntrySchema>;

const BatchStateSchema = z.looseObject({
  version: z.literal(1),
  batches: z.array(BatchEntrySchema),
});

/** The state file next to the results: which batches exist, so that a re-run resumes instead of resubmitting. */
export type BatchState = z.infer<typeof BatchStateSchema>;

/** Where the state of `results.jsonl` lives: `results.jsonl.batches.json`. */
export function batchStatePath(resultsFile: string): string {
  return `${resultsFile}.batches.json`;
}

/**
 * Reads a batch state file; a missing one is an empty state.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file when it is not a state file.
 */
export async function readBatchState(file: string): Promise<BatchState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, batches: [] };
    throw new WhiteboxError('IO', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: not valid JSON (${(error as Error).message}); delete it to submit the tasks again`, { cause: error });
  }
  const parsed = BatchStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: not a swarm batch state file (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

/** Writes the state through a temporary file and a rename, so a kill leaves the old state or the new one. */
export async function writeBatchState(file: string, state: BatchState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, file);
}

/** Removes the state file once every batch was collected. */
export async function removeBatchState(file: string): Promise<void> {
  await rm(file, { force: true });
}
