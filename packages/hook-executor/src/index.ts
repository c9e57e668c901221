/**
 * @packageDocumentation
 * hook-executor: an event's Claude Code hooks as a parallel dependency graph, run as one command
 * hook (`hook-executor run`) or by a resident http hook server (`hook-executor serve`). The CLI is
 * the product; this API is what it is built from.
 */

// Configuration
export {
  ExecutorConfigSchema,
  ExecutorEventSchema,
  ExecutorHookSchema,
  ExecutorServerSchema,
} from './executor-config.js';
export type { DependencyOutput, ExecutorConfig, ExecutorEvent, ExecutorHook, ExecutorServerConfig } from './executor-config.js';
export {
  DEFAULT_SERVER_PORT,
  EXECUTOR_CONFIG_RELATIVE_PATH,
  EXECUTOR_SCHEMA_REF,
  RECEIVES_OUTPUTS_KEY,
  defaultHookTimeoutSeconds,
} from './executor-constants.js';
export { loadExecutorConfig, parseExecutorConfig, validateExecutorConfig } from './load-executor-config.js';
export type { LoadExecutorConfigOptions, LoadedExecutorConfig } from './load-executor-config.js';
export { createExecutorJsonSchema } from './executor-json-schema.js';

// The engine
export { executeEvent, applyPolicies, perfOutcomeOf, DEFAULT_MAX_OUTPUT_BYTES } from './execute-event.js';
export type { ExecuteEventOptions, ExecuteEventResult, HookRun } from './execute-event.js';
export { commandHookArgv, runCommandHook } from './run-command-hook.js';
export type { CommandHookArgv, CommandHookOutcome, CommandHookSpec, RunCommandHookOptions } from './run-command-hook.js';
export {
  HOOK_LAUNCHER_ENV_VAR,
  HookLauncher,
  LAUNCHER_GONE,
  LAUNCHER_UNAVAILABLE,
  LaunchedHook,
  MIN_LAUNCHED_HOOKS,
  isLaunchable,
  startHookLauncher,
} from './hook-launcher.js';
export type { LaunchOptions, LaunchRequest, LaunchedOutput, StartHookLauncherOptions } from './hook-launcher.js';
export { parseSimpleCommand } from './simple-command.js';
export { createWarmShellPool, warmShellLine, shellQuote } from './warm-shell-pool.js';
export type { WarmShell, WarmShellPool, WarmShellPoolOptions } from './warm-shell-pool.js';
export { monotonicNow } from './monotonic-now.js';
export { createModuleHookLoader, runModuleHook, toRawResult } from './run-module-hook.js';
export type {
  ModuleHookContext,
  ModuleHookFunction,
  ModuleHookLoader,
  ModuleHookLoaderOptions,
  RunModuleHookOptions,
} from './run-module-hook.js';
export { createModuleHookPool } from './create-module-hook-pool.js';
export { BoundedOutput, completeUtf8Length } from './bounded-output.js';
export { hookEnvironment } from './hook-environment.js';
export type { HookEnvironmentOptions } from './hook-environment.js';
export { hookPerfRecords, recordHookTimings } from './hook-perf-records.js';

// The resident server
export { startHookServer, DEFAULT_MAX_BODY_BYTES } from './hook-server.js';
export type { HookServer, HookServerOptions } from './hook-server.js';
export { httpReply } from './http-reply.js';
export type { HttpReply } from './http-reply.js';
export { forwardToServer, COMMAND_REPLY_HEADER } from './forward-to-server.js';
export type { CommandReply, ForwardToServerOptions } from './forward-to-server.js';
export { readServerState, serverPaths, SERVER_STATE_RELATIVE_DIR, TOKEN_ENV_VAR } from './server-state.js';
export { ensureToken } from './ensure-token.js';
export type { ServerPaths, ServerState } from './server-state.js';

// install / uninstall
export { planInstall, planUninstall, isExecutorEntry, unionMatcher } from './install-plan.js';
export type { InstallMode, InstallPlan, InstallPlanInput, UninstallPlan } from './install-plan.js';
export { WHITEBOX_HOOKS, WHITEBOX_HOOK_NAMES, parseWhiteboxHookNames } from './whitebox-hooks.js';
export type { WhiteboxHookName, WhiteboxHookWiring } from './whitebox-hooks.js';
export { unifiedDiff } from './line-diff.js';
export { backupFile, writeFileAtomic } from './atomic-write.js';

// analyze, graph, bench
export { analyzeOrder } from './analyze-order.js';
export type { AfterProposal, AnalyzeOrderOptions, AnalyzeOrderResult, HookOrderReport } from './analyze-order.js';
export { buildEventGraph, hookTimings, renderGraphMermaid, renderGraphText } from './event-graph.js';
export type { EventGraph, EventGraphNode, HookTiming } from './event-graph.js';
export { benchEvent } from './bench-event.js';
export type { BenchEventOptions, BenchEventResult, BenchSeries } from './bench-event.js';
