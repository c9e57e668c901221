/**
 * @packageDocumentation
 * Parallel execution for Whitebox: `runParallel` (an async pool), a warm piscina CPU pool,
 * and `runGraph`, a dependency-graph scheduler.
 */

// runParallel
export { runParallel, validateRunParallelOptions, resolveMaxWorkers, knownItemCount, DEFAULT_MAX_WORKERS } from './run-parallel.js';
export type {
  RunParallelOptions,
  ResolvedRunParallelOptions,
  RunParallelContext,
  RunParallelFn,
  RunParallelProgress,
  RunParallelSettledResult,
  RunParallelFulfilled,
  RunParallelRejected,
} from './run-parallel.js';
export { TimeoutError } from './timeout-error.js';
export { resolveRetryPolicy, computeBackoffDelay } from './retry-policy.js';
export type { RetryOptions, RetryPolicy } from './retry-policy.js';
export { createProgressBar, formatProgressLine, formatDuration } from './progress-bar.js';
export type { ProgressBar, ProgressBarOptions, ProgressStream, ProgressLineState } from './progress-bar.js';

// CPU pool
export { createCpuPool, runParallelCpu } from './cpu-pool.js';
export type { CpuPool, CpuPoolOptions, CpuTaskOptions, RunParallelCpuOptions } from './cpu-pool.js';

// runGraph
export { runGraph } from './run-graph.js';
export type {
  GraphNode,
  GraphNodeStatus,
  GraphNodeResult,
  CriticalPath,
  RunGraphOptions,
  RunGraphResult,
} from './run-graph.js';
