import { closeSync, createWriteStream, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { readJsonl, WhiteboxError } from '@whitebox/core';
import { StoredResultSchema } from './swarm-result.js';

/** What a results file already holds, for resuming. */
export interface ResumeState {
  /** Ids to skip: every finished one, or only the done ones with `retryFailed`. */
  readonly skip: ReadonlySet<string>;
  /** Ids whose result is `done`. */
  readonly done: number;
  /** Ids whose result is `failed` (and that are skipped unless `retryFailed`). */
  readonly failed: number;
  /** Dollars recorded in the lines kept, towards `--budget-usd`. */
  readonly spentUsd: number;
  /** What happened to a cut-off last line: `truncated` (dropped), `sealed` (it parsed; a newline was added) or `none`. */
  readonly repairedTail: 'none' | 'truncated' | 'sealed';
  /** Lines that were not valid results and were skipped. */
  readonly malformed: number;
  /** Failed lines removed so that their tasks run again (`retryFailed`). */
  readonly removedFailed: number;
}

/** Options for {@link prepareResultsFile}. */
export interface PrepareResultsOptions {
  /** Remove failed results so that their tasks run again. @default false */
  readonly retryFailed?: boolean;
}

const TAIL_CHUNK = 64 * 1024;

/**
 * Makes a file that a killed writer may have left with a partial last line safe to append to:
 * a partial line that still parses gets its newline, anything else is cut off. Appending after
 * a torn fragment would otherwise glue the next result onto it and lose both.
 *
 * @returns What was done.
 */
export function repairTornTail(file: string): 'none' | 'truncated' | 'sealed' {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw new WhiteboxError('IO', `Cannot open ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 'none';
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return 'none';
    // Walk back to the previous newline; the fragment starts after it.
    let start = 0;
    const chunk = Buffer.alloc(TAIL_CHUNK);
    for (let end = size; end > 0; ) {
      const from = Math.max(0, end - TAIL_CHUNK);
      const read = readSync(fd, chunk, 0, end - from, from);
      const at = chunk.subarray(0, read).lastIndexOf(0x0a);
      if (at !== -1) {
        start = from + at + 1;
        break;
      }
      end = from;
    }
    const tail = Buffer.alloc(size - start);
    readSync(fd, tail, 0, tail.length, start);
    let parses = false;
    try {
      parses = StoredResultSchema.safeParse(JSON.parse(tail.toString('utf8'))).success;
    } catch {
      parses = false;
    }
    if (parses) {
      writeSync(fd, '\n', size);
      return 'sealed';
    }
    ftruncateSync(fd, start);
    return 'truncated';
  } finally {
    closeSync(fd);
  }
}

/**
 * Gets a results file ready for a resumed run: repairs a torn last line, reads which ids have a
 * result, and with `retryFailed` rewrites the file without the failed lines (through a temporary
 * file and a rename, so a kill at any point leaves either the old or the new file). The latest line
 * of an id wins, should the file hold more than one.
 *
 * @throws {WhiteboxError} `IO` when the file cannot be read or rewritten.
 */
export async function prepareResultsFile(file: string, options: PrepareResultsOptions = {}): Promise<ResumeState> {
  const repairedTail = repairTornTail(file);
  const latest = new Map<string, { status: 'done' | 'failed'; cost: number }>();
  const reader = readJsonl(file, { schema: StoredResultSchema, missingOk: true, maxMalformedLines: 0 });
  for await (const { record } of reader) {
    latest.set(record.id, { status: record.status, cost: record.cost ?? 0 });
  }
  let done = 0;
  let failed = 0;
  let spentUsd = 0;
  const skip = new Set<string>();
  for (const [id, { status, cost }] of latest) {
    if (status === 'done') {
      done++;
      skip.add(id);
    } else {
      failed++;
      if (!options.retryFailed) skip.add(id);
    }
    if (status === 'done' || !options.retryFailed) spentUsd += cost;
  }
  let removedFailed = 0;
  if (options.retryFailed && failed > 0) {
    removedFailed = await dropFailed(file, latest);
    failed = 0;
  }
  return { skip, done, failed, spentUsd, repairedTail, malformed: reader.stats.malformed, removedFailed };
}

async function dropFailed(file: string, latest: ReadonlyMap<string, { status: 'done' | 'failed' }>): Promise<number> {
  const temporary = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(temporary, { flags: 'w' });
  const written = new Set<string>();
  let removed = 0;
  try {
    for await (const { record } of readJsonl(file, { schema: StoredResultSchema, maxMalformedLines: 0 })) {
      const keep = latest.get(record.id)?.status === 'done' && record.status === 'done' && !written.has(record.id);
      if (!keep) {
        removed++;
        continue;
      }
      written.add(record.id);
      if (!out.write(`${JSON.stringify(record)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished(out);
    await rename(temporary, file);
  } catch (error) {
    out.destroy();
    await rm(temporary, { force: true });
    throw new WhiteboxError('IO', `Cannot rewrite ${file} without its failed results: ${(error as Error).message}`, { cause: error });
  }
  return removed;
}
