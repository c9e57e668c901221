import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { appendPerfRecords, readJsonl, WhiteboxError } from '@whitebox/core';
import type { PerfRecord } from '@whitebox/core';
import { createTranscriptTimings } from './transcript-timings.js';

/** Options for {@link importTranscripts}. */
export interface ImportTranscriptsOptions {
  /** Transcript files (`*.jsonl`) or folders searched recursively for them, e.g. `~/.claude/projects/<project>`. */
  readonly paths: readonly string[];
  /** The timing log to append to. */
  readonly logFile: string;
  /** Stops between files; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** What {@link importTranscripts} did. */
export interface ImportTranscriptsResult {
  /** Transcript files read. */
  readonly files: number;
  /** Lines read across them. */
  readonly lines: number;
  /** Lines that were not JSON (skipped). */
  readonly malformed: number;
  /** Records found: hook and tool timings. */
  readonly found: number;
  /** Of those, hook records. */
  readonly hooks: number;
  /** Records appended now. */
  readonly added: number;
  /** Records already in the log from an earlier import. */
  readonly alreadyImported: number;
}

const BATCH = 500;

/**
 * Imports hook and tool durations from Claude Code transcripts into the timing log, with runner
 * `import`. Idempotent: every record carries a stable `key`, and keys already in the log are
 * skipped, so importing the same folder again adds nothing.
 *
 * @throws {WhiteboxError} `IO` naming the path when a path does not exist or cannot be read.
 */
export async function importTranscripts(options: ImportTranscriptsOptions): Promise<ImportTranscriptsResult> {
  const { paths, logFile, signal } = options;
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string' || p === '')) {
    throw new TypeError(`Expected \`paths\` to be a non-empty array of paths, got \`${String(paths)}\` (${typeof paths})`);
  }
  const files: string[] = [];
  for (const p of paths) files.push(...(await transcriptFiles(p)));

  const existing = new Set<string>();
  for await (const { record } of readJsonl(logFile, { missingOk: true, ...(signal ? { signal } : {}) })) {
    const key = (record as { key?: unknown } | null)?.key;
    if (typeof key === 'string' && key.startsWith('import:')) existing.add(key);
  }

  let lines = 0;
  let malformed = 0;
  let found = 0;
  let hooks = 0;
  let added = 0;
  let alreadyImported = 0;
  for (const file of files) {
    signal?.throwIfAborted();
    const timings = createTranscriptTimings({ fallbackSessionId: path.basename(file, '.jsonl') });
    const reader = readJsonl(file, { maxMalformedLines: 0, ...(signal ? { signal } : {}) });
    for await (const { record } of reader) timings.add(record);
    lines += reader.stats.lines;
    malformed += reader.stats.malformed;
    const fresh: PerfRecord[] = [];
    for (const record of timings.records()) {
      found += 1;
      if (record.kind === 'hook') hooks += 1;
      if (existing.has(record.key!)) {
        alreadyImported += 1;
        continue;
      }
      existing.add(record.key!);
      fresh.push(record);
    }
    for (let i = 0; i < fresh.length; i += BATCH) appendPerfRecords(logFile, fresh.slice(i, i + BATCH));
    added += fresh.length;
  }
  return { files: files.length, lines, malformed, found, hooks, added, alreadyImported };
}

/** The `.jsonl` files at `target`, recursively and sorted; symlinked folders are not followed. */
async function transcriptFiles(target: string): Promise<string[]> {
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    throw new WhiteboxError('IO', `Cannot import ${target}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`, {
      cause: error,
    });
  }
  if (info.isFile()) return [target];
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) found.push(full);
    }
  };
  await walk(target);
  return found;
}
