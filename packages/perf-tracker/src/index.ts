/**
 * @packageDocumentation
 * perf-tracker: hook and tool timings in `.claude/memory/hook_performance.jsonl`, percentile
 * reports with trends, critical paths and suggestions, transcript import, the weekly report and
 * safe pruning. The record format itself (`PerfRecordSchema`) lives in `@whitebox/core`.
 */

// CLI
export { createCli } from './create-cli.js';

// Recording (the hook path)
export { recordToolTiming } from './commands/record/record-tool-timing.js';
export type { RecordToolTimingOptions, RecordToolTimingResult } from './commands/record/record-tool-timing.js';
export { parseWrapArgs, commandToSpawn } from './commands/wrap/parse-wrap-args.js';
export type { WrapArgs } from './commands/wrap/parse-wrap-args.js';
export { summarizeHookInput } from './hook-runtime/summarize-hook-input.js';
export type { HookInputSummary } from './hook-runtime/summarize-hook-input.js';
export { resolvePerfLog } from './hook-runtime/resolve-perf-log.js';
export type { ResolvePerfLogOptions } from './hook-runtime/resolve-perf-log.js';

// Reports
export { buildPerfReport } from './report/build-perf-report.js';
export type { BuildPerfReportOptions } from './report/build-perf-report.js';
export { createPerfAggregator, DISTRIBUTION_BOUNDS_MS } from './report/perf-aggregator.js';
export type { PerfAggregator, PerfAggregatorOptions } from './report/perf-aggregator.js';
export { analyzeFiring } from './report/analyze-firing.js';
export type { FiringAnalysis, FiringMember } from './report/analyze-firing.js';
export { findSuggestions } from './report/find-suggestions.js';
export type { FindSuggestionsInput } from './report/find-suggestions.js';
export { checkPerfRecord } from './report/check-perf-record.js';
export type { PerfRecordProblem } from './report/check-perf-record.js';
export { renderTable } from './report/render-table.js';
export type { RenderTableOptions } from './report/render-table.js';
export { renderMarkdown } from './report/render-markdown.js';
export type { RenderMarkdownOptions } from './report/render-markdown.js';
export { renderHtml, loadChartJs } from './report/render-html.js';
export type { RenderHtmlOptions } from './report/render-html.js';
export { parseDurationSpec, parseSince } from './report/parse-duration-spec.js';
export type {
  PerfReport,
  HookRow,
  ToolRow,
  EventRow,
  LatencyFigures,
  PreviousFigures,
  CriticalPathFigures,
  SequentialGroup,
  Suggestion,
  ReportInput,
  ReportCharts,
} from './report/perf-report.js';

// Transcripts
export { importTranscripts } from './transcript/import-transcripts.js';
export type { ImportTranscriptsOptions, ImportTranscriptsResult } from './transcript/import-transcripts.js';
export { createTranscriptTimings } from './transcript/transcript-timings.js';
export type { TranscriptTimings, TranscriptTimingsOptions } from './transcript/transcript-timings.js';

// Upkeep
export { writeWeeklyReport, isoWeek } from './commands/weekly/write-weekly-report.js';
export type { WriteWeeklyReportOptions, WriteWeeklyReportResult } from './commands/weekly/write-weekly-report.js';
export { prunePerfLog } from './log/prune-perf-log.js';
export type { PrunePerfLogOptions, PrunePerfLogResult } from './log/prune-perf-log.js';
export { findFileHolders } from './log/find-file-holders.js';
