import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AbortedError, WhiteboxError } from '@whitebox/core';
import { DelegationAnalyzer, findSequentialChains, type DelegationTurn, type SequentialChain } from './analysis/delegation-analyzer.js';
import type { SpawnOutcome } from './classify-spawn-outcome.js';
import { mayBeSpawnResult, parseTranscriptLine, type RawTranscriptLine } from './transcript/parse-transcript-line.js';

/** One sub-agent call of a reported chain. */
export interface ChainCallReport {
  readonly id: string;
  readonly description: string | undefined;
  readonly outcome: SpawnOutcome;
  readonly durationMs: number | undefined;
}

/** A sequential chain, as reported. */
export interface ChainReport {
  /** `main`, or the sub-agent id whose own calls formed the chain. */
  readonly scope: string;
  readonly promptId: string | undefined;
  /** Epoch ms of the chain's first call. */
  readonly startedAt: number | undefined;
  /** The chain's batches in order; each is one model response's sub-agent calls. */
  readonly batches: readonly (readonly ChainCallReport[])[];
  /** Sum of each batch's wait. */
  readonly waitedMs: number;
  /** The longest batch: the chain's cost had it been one parallel batch. */
  readonly longestMs: number;
  /** `waitedMs - longestMs`. */
  readonly lostMs: number;
}

/** What one session's transcripts (main and sub-agents) show about delegation. */
export interface SessionDelegationReport {
  readonly sessionId: string;
  /** The project folder under ~/.claude/projects (the cwd with `/` as `-`). */
  readonly project: string;
  readonly files: number;
  readonly bytes: number;
  /** Sub-agent calls, and how they ended. */
  readonly calls: number;
  readonly foreground: number;
  readonly background: number;
  readonly refused: number;
  /** Model responses that started two or more sub-agents at once. */
  readonly parallelBatches: number;
  /** Calls that were sequential: every chain batch after the first. */
  readonly sequentialCalls: number;
  readonly chains: readonly ChainReport[];
  /** Time lost to sequential chains: the sum of each chain's `lostMs`. */
  readonly lostMs: number;
  /** Sum of every foreground sub-agent's duration. */
  readonly subagentMs: number;
}

/** The result of {@link scanTranscripts}. */
export interface ScanReport {
  /** Sessions with at least one sub-agent call, most time lost first. */
  readonly sessions: readonly SessionDelegationReport[];
  /** Transcript files read. */
  readonly files: number;
  readonly bytes: number;
  readonly lines: number;
  readonly durationMs: number;
  /** Files that could not be read, and why; the scan goes on without them. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

/** Options for {@link scanTranscripts}. */
export interface ScanTranscriptsOptions {
  /** Stops the scan; it rejects with an {@link AbortedError}. */
  readonly signal?: AbortSignal;
  /** Bytes per read. @default 1 MiB */
  readonly chunkBytes?: number;
  /** Called after each file, for progress. */
  readonly onFile?: (path: string, bytes: number) => void;
}

interface MutableSession {
  sessionId: string;
  project: string;
  files: number;
  bytes: number;
  calls: number;
  foreground: number;
  background: number;
  refused: number;
  parallelBatches: number;
  sequentialCalls: number;
  chains: ChainReport[];
  lostMs: number;
  subagentMs: number;
}

/**
 * Reads Claude Code transcripts, sub-agent transcripts included, and reports per session the
 * sub-agent calls, the parallel batches, the sequential chains and the time those chains lost.
 * Files are streamed line by line and only each agent's current turn is held, so a directory of
 * any size is scanned in flat memory. Lines are tested as bytes before any decoding, which skips
 * the bulk of a transcript (file contents, command output) without parsing it.
 *
 * @param paths - Transcript files or directories to walk for `*.jsonl`.
 * @throws {WhiteboxError} `IO` when a given path does not exist; {@link AbortedError} on abort.
 * @example
 * const report = await scanTranscripts([join(homedir(), '.claude', 'projects')]);
 * for (const session of report.sessions) console.log(session.sessionId, session.lostMs);
 */
export async function scanTranscripts(paths: readonly string[], options: ScanTranscriptsOptions = {}): Promise<ScanReport> {
  if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string' || path === '')) {
    throw new TypeError(`Expected \`paths\` to be an array of non-empty strings, got \`${String(paths)}\` (${typeof paths})`);
  }
  const start = performance.now();
  const files: string[] = [];
  for (const path of paths) await collectTranscripts(resolve(path), files, true);
  const sessions = new Map<string, MutableSession>();
  const skipped: { path: string; reason: string }[] = [];
  let bytes = 0;
  let lines = 0;
  for (const file of files) {
    throwIfAborted(options.signal);
    const { sessionId, project } = sessionOf(file);
    const key = `${project}/${sessionId}`;
    let session = sessions.get(key);
    if (session === undefined) {
      session = emptySession(sessionId, project);
      sessions.set(key, session);
    }
    const target = session;
    const analyzer = new DelegationAnalyzer((turn) => addTurn(target, turn));
    const wantResultLine = (line: RawTranscriptLine): boolean => mayBeSpawnResult(line) || analyzer.mentionsOpenCall(line);
    try {
      const read = await streamLines(file, options, (line) => {
        const entry = parseTranscriptLine(line, { wantResultLine });
        if (entry !== undefined) analyzer.push(entry);
      });
      analyzer.finish();
      target.files += 1;
      target.bytes += read.bytes;
      bytes += read.bytes;
      lines += read.lines;
      options.onFile?.(file, read.bytes);
    } catch (error) {
      if (error instanceof AbortedError) throw error;
      skipped.push({ path: file, reason: (error as Error).message });
    }
  }
  const reported = [...sessions.values()].filter((session) => session.calls > 0).sort((a, b) => b.lostMs - a.lostMs || b.calls - a.calls);
  return { sessions: reported, files: files.length - skipped.length, bytes, lines, durationMs: performance.now() - start, skipped };
}

function emptySession(sessionId: string, project: string): MutableSession {
  return {
    sessionId,
    project,
    files: 0,
    bytes: 0,
    calls: 0,
    foreground: 0,
    background: 0,
    refused: 0,
    parallelBatches: 0,
    sequentialCalls: 0,
    chains: [],
    lostMs: 0,
    subagentMs: 0,
  };
}

function addTurn(session: MutableSession, turn: DelegationTurn): void {
  for (const batch of turn.batches) {
    if (batch.spawns.length >= 2) session.parallelBatches += 1;
    for (const spawn of batch.spawns) {
      session.calls += 1;
      if (spawn.outcome === 'foreground') {
        session.foreground += 1;
        session.subagentMs += spawn.durationMs ?? 0;
      } else if (spawn.outcome === 'background') {
        session.background += 1;
      } else if (spawn.outcome === 'denied') {
        session.refused += 1;
      }
    }
  }
  for (const chain of findSequentialChains(turn)) {
    session.chains.push(toChainReport(chain));
    session.sequentialCalls += chain.batches.length - 1;
    session.lostMs += chain.lostMs;
  }
}

function toChainReport(chain: SequentialChain): ChainReport {
  return {
    scope: chain.scope,
    promptId: chain.promptId,
    startedAt: chain.batches[0]?.startedAt,
    batches: chain.batches.map((batch) =>
      batch.spawns.map((spawn) => ({ id: spawn.id, description: spawn.description, outcome: spawn.outcome, durationMs: spawn.durationMs })),
    ),
    waitedMs: chain.waitedMs,
    longestMs: chain.longestMs,
    lostMs: chain.lostMs,
  };
}

/** `<project>/<session>.jsonl`, or `<project>/<session>/subagents/agent-<id>.jsonl`. */
function sessionOf(file: string): { sessionId: string; project: string } {
  const parent = dirname(file);
  if (basename(parent) === 'subagents') {
    const sessionDir = dirname(parent);
    return { sessionId: basename(sessionDir), project: basename(dirname(sessionDir)) };
  }
  return { sessionId: basename(file, '.jsonl'), project: basename(parent) };
}

async function collectTranscripts(path: string, into: string[], explicit: boolean): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if (explicit) throw new WhiteboxError('IO', `No such file or directory: ${path}`, { cause: error });
    return;
  }
  if (info.isFile()) {
    if (explicit || path.endsWith('.jsonl')) into.push(path);
    return;
  }
  if (!info.isDirectory()) return;
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    // Symlinked directories are not followed, so a link loop cannot trap the walk.
    if (entry.isDirectory()) await collectTranscripts(child, into, false);
    else if (entry.isFile() && entry.name.endsWith('.jsonl')) into.push(child);
  }
}

async function streamLines(
  file: string,
  options: ScanTranscriptsOptions,
  onLine: (line: Buffer) => void,
): Promise<{ bytes: number; lines: number }> {
  const stream = createReadStream(file, { highWaterMark: options.chunkBytes ?? 1024 * 1024 });
  let pending: Buffer[] = [];
  let bytes = 0;
  let lines = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    throwIfAborted(options.signal, () => stream.destroy());
    bytes += chunk.length;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      lines += 1;
      if (line.length > 0) onLine(line);
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  // A last line without its newline may be cut off; it is parsed only if it is whole JSON.
  if (pending.length > 0) {
    lines += 1;
    onLine(Buffer.concat(pending));
  }
  return { bytes, lines };
}

function throwIfAborted(signal: AbortSignal | undefined, cleanup?: () => void): void {
  if (signal?.aborted) {
    cleanup?.();
    throw new AbortedError('Scan interrupted');
  }
}
