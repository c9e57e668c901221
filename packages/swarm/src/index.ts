/**
 * @packageDocumentation
 * Mass-parallel LLM tasks with rate limits, resume and budgets, or through the provider's Batch API.
 */

// Live runs
export { runSwarm, DEFAULT_WORKERS } from './run-swarm.js';
export type { RunSwarmOptions, SwarmRun, SwarmSummary, SwarmProgress, SwarmNotice, SwarmStopReason } from './run-swarm.js';
export { createRateLimiter } from './rate-limiter.js';
export { createHttpFetch } from './create-http-fetch.js';
export type { HttpFetch } from './create-http-fetch.js';
export type { RateLimiter, RateLimiterOptions, RateLimiterStats, RateLimitMark } from './rate-limiter.js';

// Tasks and results
export { SwarmTaskSchema, taskMessages, wantsJson, estimatePromptTokens } from './swarm-task.js';
export type { SwarmTask, SwarmResponseFormat } from './swarm-task.js';
export { StoredResultSchema, describeFailure, reasonForStatus } from './swarm-result.js';
export type { SwarmResult, SwarmUsage, SwarmFailure, FailureReason, StoredResult } from './swarm-result.js';
export { checkTaskFile, readTaskFile } from './read-task-file.js';
export type { CheckTaskOptions } from './read-task-file.js';
export { checkTemplateTasks, readTemplateTasks, renderTemplate, templatePlaceholders } from './read-template-tasks.js';
export type { TemplateSource } from './read-template-tasks.js';
export { TaskInputError, MAX_REPORTED_PROBLEMS } from './task-input-error.js';
export type { TaskProblem, TaskCheck } from './task-input-error.js';
export { prepareResultsFile, repairTornTail } from './results-file.js';
export type { ResumeState, PrepareResultsOptions } from './results-file.js';
export { summarizeResults, percentile } from './summarize-results.js';
export type { ResultsSummary, LatencyPercentiles } from './summarize-results.js';

// Batch API
export { runSwarmBatch, BATCH_MAX_LINES, BATCH_MAX_BYTES } from './batch/run-swarm-batch.js';
export type { RunSwarmBatchOptions, SwarmBatchSummary, BatchProgress, BatchProgressEntry, BatchNotice } from './batch/run-swarm-batch.js';
export { createBatchApi, BatchObjectSchema, TERMINAL_BATCH_STATUSES } from './batch/batch-api.js';
export type { BatchApi, BatchApiOptions, BatchObject } from './batch/batch-api.js';
export { batchStatePath, readBatchState } from './batch/batch-state.js';
export type { BatchState, BatchEntry } from './batch/batch-state.js';

// CLI
export { createCli } from './create-cli.js';
export type { CliContext } from './cli-context.js';
