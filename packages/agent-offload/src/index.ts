/**
 * @packageDocumentation
 * Offloads heavy reading to sub-agents so the main context stays small: a PreToolUse hook that
 * steers large whole-file Reads to a summarising sub-agent, and a planner that splits files into
 * balanced batches for one message of parallel Agent calls.
 */

// Measuring files
export { countLines } from './count-lines.js';
export type { CountLinesOptions, LineCount, LineCountPrecision } from './count-lines.js';
export { expandPaths, compileSegment, expandBraces } from './expand-paths.js';
export type { ExpandPathsOptions, ExpandPathsResult } from './expand-paths.js';

// Settings
export {
  DEFAULT_OFFLOAD_SETTINGS,
  DEFAULT_OFFLOAD_CONFIG_FILE,
  OFFLOAD_MODES,
  loadOffloadConfig,
  resolveOffloadSettings,
  offloadConfigPath,
} from './offload-settings.js';
export type { OffloadMode, OffloadSettings, OffloadConfig } from './offload-settings.js';

// The hook
export { decideOffload, renderHookOutput } from './decide-offload.js';
export type { OffloadRequest, OffloadDecision, OffloadSkip, OffloadAdvice } from './decide-offload.js';
export { renderOffloadAdvice, formatBytes, formatLineCount, groupDigits } from './render-offload-advice.js';
export type { OffloadAdviceInput } from './render-offload-advice.js';

// The planner
export { balanceBatches } from './balance-batches.js';
export type { Batch } from './balance-batches.js';
export { createOffloadPlan, renderBatchPrompt, renderPlanMessage } from './create-offload-plan.js';
export type {
  CreateOffloadPlanOptions,
  OffloadPlan,
  PlanBatch,
  PlanContextSavings,
  PlanWeight,
  PlannedFile,
} from './create-offload-plan.js';
