/**
 * @packageDocumentation
 * What every Whitebox tool shares: the Claude Code hook protocol, settings and matchers,
 * JSONL records, errors, the CLI kit and the LLM provider client.
 */

// Errors and the CLI kit
export { WhiteboxError, UsageError, AbortedError, isAbortError } from './errors.js';
export type { WhiteboxErrorCode } from './errors.js';
export { ExitCode, exitCodeFor } from './exit-code.js';
export type { ExitCodeValue } from './exit-code.js';
export { runCli, reportError, CommandExit } from './run-cli.js';
export type { RunCliOptions, CliIo } from './run-cli.js';
export { withJson, withVerbose, withQuiet, withConfig, withCommonOptions, createProgram } from './cli-options.js';
export type { CommonOptions, ProgramOptions } from './cli-options.js';
export { createColors, shouldUseColor } from './colors.js';
export type { Colors } from './colors.js';
export { abortOnSigint } from './abort-on-sigint.js';
export { processContext, readTextInput } from './cli-context.js';
export { readStdin, readStdinSync, StdinError, MAX_STDIN_BYTES } from './read-stdin.js';
export type { CliContext, ReadTextInputOptions } from './cli-context.js';
export { abortableSleep, exponentialBackoff } from './backoff.js';
export type { BackoffShape } from './backoff.js';
export type { SigintController, SignalSource } from './abort-on-sigint.js';

// Validation messages
export { formatZodIssues, formatPath, describeValue } from './format-zod-issues.js';

// Hook protocol
export {
  HOOK_EVENT_NAMES,
  TOOL_EVENT_NAMES,
  HOOK_MATCHER_FIELDS,
  isHookEvent,
  isToolEvent,
  isHookInputFor,
  matcherFieldFor,
  matchValueFor,
  parseHookInput,
} from './hook-input.js';
export type {
  HookEvent,
  HookInput,
  HookInputFor,
  ParsedHookInput,
  UnknownHookInput,
  ParseHookInputOptions,
  ToolHookEvent,
  BaseHookInput,
  ConfigChangeHookInput,
  CwdChangedHookInput,
  DirectoryAddedHookInput,
  ElicitationHookInput,
  ElicitationResultHookInput,
  FileChangedHookInput,
  InstructionsLoadedHookInput,
  MessageDisplayHookInput,
  NotificationHookInput,
  PermissionDeniedHookInput,
  PermissionRequestHookInput,
  PostCompactHookInput,
  PostModelSwitchHookInput,
  PostToolBatchHookInput,
  PostToolBatchToolCall,
  PostToolUseFailureHookInput,
  PostToolUseHookInput,
  PreCompactHookInput,
  PreModelSwitchHookInput,
  PreSkillShellCommandHookInput,
  PreToolUseHookInput,
  SessionEndHookInput,
  SessionStartHookInput,
  SetupHookInput,
  StopFailureHookInput,
  StopHookInput,
  SubagentStartHookInput,
  SubagentStopHookInput,
  TaskCompletedHookInput,
  TaskCreatedHookInput,
  TeammateIdleHookInput,
  UserPromptExpansionHookInput,
  UserPromptSubmitHookInput,
  WorktreeCreateHookInput,
  WorktreeRemoveHookInput,
} from './hook-input.js';
export { parseHookStdout, classifyHookResult, hookEventOutputTraits } from './hook-output.js';
export type {
  HookResult,
  ParsedHookStdout,
  ParseHookStdoutOptions,
  HookOutcome,
  HookBlockEffect,
  HookBlockChannel,
  HookEventOutputTraits,
  HookJSONOutput,
  SyncHookJSONOutput,
  AsyncHookJSONOutput,
  HookPermissionDecision,
} from './hook-output.js';
export { mergeHookResults, MAX_HOOK_OUTPUT_CHARS, PERMISSION_DECISION_RANK } from './merge-hook-results.js';
export type {
  MergeHookResultsOptions,
  MergedHookResult,
  MergedHookOutcome,
  PermissionRequestDecision,
  HookConflict,
  HookNotice,
  HookTruncation,
  CappedHookField,
} from './merge-hook-results.js';

// Matchers and settings
export {
  compileMatcher,
  matchesTool,
  matchesHookInput,
  isSubagentTool,
  SUBAGENT_TOOL_NAMES,
  SUBAGENT_MATCHER,
} from './matcher.js';
export type { MatcherPredicate, CompileMatcherOptions } from './matcher.js';
export { findSettingsFiles, loadHookHandlers, dedupeHookHandlers, selectHookHandlers } from './settings.js';
export type {
  SettingsScope,
  SettingsFile,
  SettingsLocationOptions,
  HookHandler,
  HookHandlerEntry,
  LoadedHookHandlers,
} from './settings.js';

// JSONL
export { appendJsonl, appendJsonlSync, createJsonlAppender } from './jsonl-appender.js';
export type { JsonlAppender } from './jsonl-appender.js';
export { readJsonl, readJsonlAll } from './jsonl-reader.js';
export type {
  JsonlEntry,
  JsonlMalformedLine,
  JsonlReadStats,
  JsonlReader,
  JsonlSchema,
  ReadJsonlOptions,
  ReadJsonlAllResult,
} from './jsonl-reader.js';

// LLM client
export { createLlmClient, classifyLlmError } from './llm/llm-client.js';
export type {
  LlmClient,
  LlmClientOptions,
  ChatMessage,
  ChatRequest,
  ChatResult,
  StructuredRequest,
  StructuredResult,
  LlmCallRecord,
} from './llm/llm-client.js';
export { LlmError, LlmAbortedError, SchemaMismatchError } from './llm/llm-error.js';
export type { LlmUsage, LlmErrorDetails } from './llm/llm-error.js';
export {
  resolveProvider,
  loadLlmFileConfig,
  describeProvider,
  LlmFileConfigSchema,
  ProviderNotConfiguredError,
  PROVIDER_BASE_URLS,
  DEFAULT_LLM_CONFIG_FILE,
} from './llm/provider-config.js';
export type { ProviderConfig, ProviderSource, ResolveProviderOptions, LlmFileConfig } from './llm/provider-config.js';
export { withLlmOptions, parseDurationFlag } from './llm/llm-options.js';
export type { LlmOptions } from './llm/llm-options.js';
export {
  withRetry,
  sleep,
  backoffDelay,
  parseRetryAfter,
  shouldRetryStatus,
  DeadlineExceededError,
  DEFAULT_RETRY_POLICY,
} from './llm/retry.js';
export type { RetryPolicy, RetryVerdict, RetryEvent, WithRetryOptions } from './llm/retry.js';
export { jsonSchemaResponseFormat, parseStructuredContent, reaskMessage } from './llm/structured-output.js';
export type { StructuredParseResult } from './llm/structured-output.js';
export { DEFAULT_PRICES, priceFor, costOf } from './llm/pricing.js';
export type { ModelPrice, PriceTable, TokenCounts } from './llm/pricing.js';
export { parseRateLimitHeaders, parseResetDuration } from './llm/rate-limit-headers.js';
export type { RateLimitInfo, HeaderSource } from './llm/rate-limit-headers.js';
export { estimateTokens, estimateUsage } from './llm/usage-estimate.js';
export { redactSecrets } from './llm/redact-secrets.js';

// Timing records (perf-tracker and hook-executor write them)
export { PERF_RECORD_VERSION, PerfRecordSchema, PerfOutcomeSchema, PerfRunnerSchema, appendPerfRecords } from './perf-record.js';
export { PERF_LOG_RELATIVE_PATH, hookIdForCommand, perfLogPath } from './perf-log.js';
export type { PerfRecord, PerfOutcome, PerfRunner, AppendPerfRecordsOptions } from './perf-record.js';
