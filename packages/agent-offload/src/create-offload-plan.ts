import { describeValue } from '@whitebox/core';
import { balanceBatches } from './balance-batches.js';
import type { LineCountPrecision } from './count-lines.js';
import { DEFAULT_OFFLOAD_SETTINGS } from './offload-settings.js';
import { formatLineCount } from './render-offload-advice.js';

/** A file to plan for, measured. */
export interface PlannedFile {
  /** The path as it will appear in the prompt (relative to the agent's cwd, or absolute). */
  readonly path: string;
  readonly bytes: number;
  readonly lines: number;
  /** How `lines` was counted. @default 'exact' */
  readonly precision?: LineCountPrecision;
}

/** What batches are balanced on: bytes (closest to tokens) or lines. */
export type PlanWeight = 'bytes' | 'lines';

/** One sub-agent's share. */
export interface PlanBatch {
  /** 1-based, heaviest batch first. */
  readonly index: number;
  /** Heaviest file first. */
  readonly files: readonly PlannedFile[];
  readonly bytes: number;
  readonly lines: number;
  /** The `description` of the Agent call. */
  readonly description: string;
  /** The `prompt` of the Agent call. */
  readonly prompt: string;
}

/** What the plan saves the main context. */
export interface PlanContextSavings {
  /** Lines the sub-agents read in total. */
  readonly linesRead: number;
  /** The most the main agent gets back: `maxSummaryLines × batches`. */
  readonly summaryLinesMax: number;
  /** `linesRead − summaryLinesMax`, at least 0. */
  readonly linesSaved: number;
  /** `linesSaved ÷ linesRead` as a percentage, 0 for no lines. */
  readonly savedPercent: number;
}

/** A plan: the batches, their prompts, and the one message that launches them all. */
export interface OffloadPlan {
  /** The shape's version; bumped on breaking changes to this JSON. */
  readonly version: 1;
  readonly weight: PlanWeight;
  readonly maxSummaryLines: number;
  readonly subagentType: string;
  /** What the summaries should focus on, when given. */
  readonly focus?: string;
  readonly totals: { readonly files: number; readonly bytes: number; readonly lines: number };
  readonly batches: readonly PlanBatch[];
  readonly context: PlanContextSavings;
  /** The ready-to-paste instruction: every Agent call of the plan, for ONE message. */
  readonly message: string;
}

/** Options for {@link createOffloadPlan}. */
export interface CreateOffloadPlanOptions {
  /** How many sub-agents; fewer when there are fewer files. @default 4 */
  readonly batches?: number;
  /** The summary budget of each sub-agent, in lines. @default 40 */
  readonly maxSummaryLines?: number;
  /** @default 'bytes' */
  readonly weight?: PlanWeight;
  /** @default 'Explore' */
  readonly subagentType?: string;
  /** A question or goal the summaries should serve. @default undefined */
  readonly focus?: string | undefined;
}

/**
 * Groups measured files into balanced batches (see {@link balanceBatches}) and writes one Agent
 * prompt per batch, plus the message that launches them all at once.
 *
 * @throws {TypeError} on a bad option or file entry, naming the value and its type.
 * @example
 * const plan = createOffloadPlan([{ path: 'a.ts', bytes: 9000, lines: 300 }, ...], { batches: 3 });
 * console.log(plan.message);
 */
export function createOffloadPlan(files: readonly PlannedFile[], options: CreateOffloadPlanOptions = {}): OffloadPlan {
  const count = options.batches ?? DEFAULT_OFFLOAD_SETTINGS.batches;
  const maxSummaryLines = options.maxSummaryLines ?? DEFAULT_OFFLOAD_SETTINGS.maxSummaryLines;
  const weight = options.weight ?? 'bytes';
  const subagentType = options.subagentType ?? DEFAULT_OFFLOAD_SETTINGS.subagentType;
  const focus = options.focus?.trim() || undefined;
  if (!Number.isSafeInteger(maxSummaryLines) || maxSummaryLines < 1) {
    throw new TypeError(`Expected \`maxSummaryLines\` to be an integer ≥ 1, got ${describeValue(maxSummaryLines)}`);
  }
  if (weight !== 'bytes' && weight !== 'lines') {
    throw new TypeError(`Expected \`weight\` to be "bytes" or "lines", got ${describeValue(weight)}`);
  }
  if (typeof subagentType !== 'string' || subagentType.trim() === '') {
    throw new TypeError(`Expected \`subagentType\` to be a non-empty string, got ${describeValue(subagentType)}`);
  }
  for (const [i, file] of files.entries()) {
    if (typeof file?.path !== 'string' || !isCount(file.bytes) || !isCount(file.lines)) {
      throw new TypeError(`Expected files[${i}] to be { path: string, bytes: integer ≥ 0, lines: integer ≥ 0 }, got ${describeValue(file)}`);
    }
  }

  const groups = balanceBatches(files, count, (file) => file[weight]);
  const batches = groups.map((group, i): PlanBatch => {
    const index = i + 1;
    return {
      index,
      files: group.items,
      bytes: sum(group.items, 'bytes'),
      lines: sum(group.items, 'lines'),
      description: `Summarise ${group.items.length === 1 ? '1 file' : `${group.items.length} files`} (${index}/${groups.length})`,
      prompt: renderBatchPrompt(group.items, { maxSummaryLines, focus }),
    };
  });
  const linesRead = sum(files, 'lines');
  const summaryLinesMax = maxSummaryLines * batches.length;
  const linesSaved = Math.max(0, linesRead - summaryLinesMax);
  const withoutMessage = {
    version: 1 as const,
    weight,
    maxSummaryLines,
    subagentType,
    ...(focus === undefined ? {} : { focus }),
    totals: { files: files.length, bytes: sum(files, 'bytes'), lines: linesRead },
    batches,
    context: {
      linesRead,
      summaryLinesMax,
      linesSaved,
      savedPercent: linesRead === 0 ? 0 : Math.round((linesSaved / linesRead) * 1000) / 10,
    },
  };
  return { ...withoutMessage, message: renderPlanMessage(withoutMessage) };
}

/**
 * The prompt of one sub-agent: read these files, reply with at most K lines in total.
 * Line counts are listed so the sub-agent can budget its reading.
 */
export function renderBatchPrompt(
  files: readonly PlannedFile[],
  options: { readonly maxSummaryLines: number; readonly focus?: string | undefined },
): string {
  const these = files.length === 1 ? 'this file' : `these ${files.length} files`;
  const each = files.length === 1 ? 'Give its purpose' : 'For each file give its purpose';
  return [
    `Read ${these} and reply with one summary of at most ${options.maxSummaryLines} lines in total. ` +
      `${each} and its main parts with line numbers, and flag anything surprising. Do not paste code.`,
    ...(options.focus === undefined ? [] : [`Focus on: ${options.focus}`]),
    ...files.map((file) => `- ${file.path} (${formatLineCount(file.lines, file.precision ?? 'exact')})`),
  ].join('\n');
}

/**
 * The ready-to-paste message: one block per Agent call, under an instruction to send them all in
 * ONE message so they run in parallel.
 */
export function renderPlanMessage(plan: Pick<OffloadPlan, 'batches' | 'maxSummaryLines' | 'subagentType'>): string {
  const n = plan.batches.length;
  const calls = n === 1 ? 'this Agent call' : `these ${n} Agent calls in ONE message so they run in parallel`;
  return [
    `Make ${calls}; each returns at most ${plan.maxSummaryLines} lines. Then continue from the summaries.`,
    ...plan.batches.flatMap((batch) => [
      '',
      `Agent ${batch.index} of ${n}: subagent_type "${plan.subagentType}", description "${batch.description}", prompt:`,
      batch.prompt,
    ]),
  ].join('\n');
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function sum(files: readonly PlannedFile[], key: 'bytes' | 'lines'): number {
  let total = 0;
  for (const file of files) total += file[key];
  return total;
}
