import type { CliIo } from '@whitebox/core';
import { WhiteboxError, createColors } from '@whitebox/core';
import { runParallel } from '@whitebox/parallel-core';
import path from 'node:path';
import { countLines } from '../../count-lines.js';
import { createOffloadPlan } from '../../create-offload-plan.js';
import type { OffloadPlan, PlannedFile } from '../../create-offload-plan.js';
import { expandPaths } from '../../expand-paths.js';
import { loadOffloadConfig, offloadConfigPath, resolveOffloadSettings } from '../../offload-settings.js';
import { formatBytes, formatLineCount, groupDigits } from '../../render-offload-advice.js';
import type { PlanArgs } from './command.js';

// Past this, a file's line count is extrapolated: planning a 5 GB log must not read 5 GB.
const PLAN_SCAN_BYTES = 8 * 1024 * 1024;
const MEASURE_CONCURRENCY = 16;

/** A path given to `plan` that is not in the plan, and why. */
export interface SkippedPath {
  readonly path: string;
  readonly reason: string;
}

/** What `plan --json` prints: the {@link OffloadPlan} plus what was left out. */
export interface PlanReport extends OffloadPlan {
  /** Files found but left out: binary, or unreadable. */
  readonly skipped: readonly SkippedPath[];
  /** Arguments that matched no file. */
  readonly unmatched: readonly string[];
}

/** Injectable edges of {@link plan}. */
export interface PlanEnvironment {
  /** @default process */
  readonly io?: CliIo;
  /** Relative paths and patterns resolve here. @default process.cwd() */
  readonly cwd?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs `agent-offload plan`: expands the arguments, measures each file (bytes from `fstat`, lines
 * from a streamed count capped at 8 MiB, 16 files at a time), balances them into batches, and
 * prints the plan as text or `--json`.
 *
 * @throws {WhiteboxError} `INPUT_INVALID` when no argument matches a readable text file;
 * `CONFIG_INVALID` for a bad config file.
 */
export async function plan(args: Partial<PlanArgs>, environment: PlanEnvironment = {}): Promise<PlanReport> {
  const io = environment.io ?? process;
  const cwd = environment.cwd ?? process.cwd();
  const { file, required } = offloadConfigPath({ config: args.config, cwd, env: environment.env });
  const config = await loadOffloadConfig(file, required);
  const settings = resolveOffloadSettings(config, {
    batches: args.batches,
    maxSummaryLines: args.maxSummaryLines,
    subagentType: args.subagentType,
  });

  const patterns = args.paths ?? [];
  const { files, unmatched } = await expandPaths(patterns, { cwd });
  const measured = await runParallel(
    async (relative: string) => ({ relative, count: await countLines(path.resolve(cwd, relative), { maxScanBytes: PLAN_SCAN_BYTES }) }),
    files,
    { maxWorkers: MEASURE_CONCURRENCY, failFast: false },
  );
  const planned: PlannedFile[] = [];
  const skipped: SkippedPath[] = [];
  for (const [i, result] of measured.entries()) {
    const relative = files[i]!;
    if (result.status === 'rejected') {
      const error = result.error as NodeJS.ErrnoException;
      skipped.push({ path: relative, reason: `cannot read (${error.code ?? error.message})` });
    } else if (result.value.count.binary) {
      skipped.push({ path: relative, reason: 'binary (NUL bytes)' });
    } else {
      const { bytes, lines, precision } = result.value.count;
      planned.push({ path: relative, bytes, lines, ...(precision === 'exact' ? {} : { precision }) });
    }
  }
  if (planned.length === 0) {
    const why = [
      unmatched.length > 0 ? `no match for ${unmatched.map((p) => JSON.stringify(p)).join(', ')}` : '',
      skipped.length > 0 ? `${skipped.length} skipped (${skipped[0]!.path}: ${skipped[0]!.reason}${skipped.length > 1 ? ', …' : ''})` : '',
    ].filter(Boolean);
    throw new WhiteboxError('INPUT_INVALID', `No readable text file to plan for: ${why.join('; ') || 'no paths given'}`);
  }

  const offloadPlan = createOffloadPlan(planned, {
    batches: settings.batches,
    maxSummaryLines: settings.maxSummaryLines,
    weight: args.weight ?? 'bytes',
    subagentType: settings.subagentType,
    focus: args.focus,
  });
  const report: PlanReport = { ...offloadPlan, skipped, unmatched };

  if (!args.quiet) {
    const c = createColors(io.stderr);
    for (const pattern of unmatched) io.stderr.write(`${c.yellow('warning')}: no file matches ${JSON.stringify(pattern)}\n`);
    for (const entry of skipped) io.stderr.write(`${c.yellow('warning')}: skipped ${entry.path}: ${entry.reason}\n`);
    if (settings.batches > offloadPlan.batches.length) {
      io.stderr.write(`${c.dim(`note: ${planned.length} files fill only ${offloadPlan.batches.length} of ${settings.batches} batches`)}\n`);
    }
  }
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatPlan(report, createColors(io.stdout as { readonly isTTY?: boolean })));
  return report;
}

/** The text form of a plan: a batch table, the context saved, and the message to paste. */
export function formatPlan(report: OffloadPlan, c: ReturnType<typeof createColors>): string {
  const n = report.batches.length;
  const lines = [
    c.bold(
      `${n} ${n === 1 ? 'batch' : 'batches'} for ${report.totals.files} ${report.totals.files === 1 ? 'file' : 'files'} ` +
        `(${formatLineCount(report.totals.lines, 'exact')}, ${formatBytes(report.totals.bytes)}), balanced by ${report.weight}:`,
    ),
  ];
  for (const batch of report.batches) {
    lines.push(
      `  batch ${String(batch.index).padEnd(3)} ${String(batch.files.length).padStart(4)} files ` +
        `${groupDigits(batch.lines).padStart(9)} lines ${formatBytes(batch.bytes).padStart(9)}`,
    );
  }
  const { linesRead, summaryLinesMax, linesSaved, savedPercent } = report.context;
  lines.push(
    '',
    `Context: the sub-agents read ${groupDigits(linesRead)} lines and return at most ${groupDigits(summaryLinesMax)} ` +
      `(${n} × ${report.maxSummaryLines}): ${c.green(`${groupDigits(linesSaved)} lines (${savedPercent}%) saved`)} from the main context.`,
    '',
    c.dim('Paste as ONE message:'),
    '',
    report.message,
    '',
  );
  return lines.join('\n');
}
