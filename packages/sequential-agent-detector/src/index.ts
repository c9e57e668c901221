/**
 * @packageDocumentation
 * Keeps an agent delegating to sub-agents in parallel: the PreToolUse / PostToolBatch hooks that
 * spot sub-agent calls made one message at a time, the transcript scan that measures the time
 * that cost, the prompt reminder and the CLAUDE.md rule.
 */

// Hooks
export { decideSubagentCall } from './decide-subagent-call.js';
export type { DecideSubagentCallOptions, DetectorAction, SubagentCallDecision } from './decide-subagent-call.js';
export { judgeSubagentCall, hashToolInput } from './judge-subagent-call.js';
export type { JudgeSubagentCallOptions, CallVerdict, CallVerdictReason } from './judge-subagent-call.js';
export { recordBatch } from './record-batch.js';
export type { RecordBatchOptions, RecordBatchResult } from './record-batch.js';
export { readDetectorHookInput } from './detector-hook-input.js';
export type { DetectorHookInput, BatchToolCall } from './detector-hook-input.js';
export { classifySpawnOutcome } from './classify-spawn-outcome.js';
export type { SpawnOutcome, SpawnResultFacts } from './classify-spawn-outcome.js';
export { loadDetectorConfig, validateDetectorConfig, DETECTOR_CONFIG_FILE, DETECTOR_MODES } from './detector-config.js';
export type { DetectorConfig, DetectorMode, LoadedDetectorConfig } from './detector-config.js';
export { BLOCK_REASON, WARN_CONTEXT, REMIND_CONTEXT } from './teaching-messages.js';

// Per-session state
export {
  appendEvent,
  readScopeState,
  foldEvents,
  compactScopeLog,
  removeSessionState,
  pruneStaleSessions,
  defaultStateDir,
  stateFilePath,
  sessionDirPath,
} from './state/detector-state.js';
export type { DetectorEvent, PreEvent, DenyEvent, EscapeEvent, BatchEvent, BatchSpawn, ScopeState, ScopeRef } from './state/detector-state.js';
export { withFileLock } from './state/file-lock.js';
export type { FileLockOptions } from './state/file-lock.js';

// Transcripts
export { parseTranscriptLine, mayBeSpawnResult, MAIN_SCOPE } from './transcript/parse-transcript-line.js';
export type { TranscriptEntry, PromptEntry, AssistantEntry, ResultEntry, ToolUseBlock, ToolResultBlock, SpawnInput } from './transcript/parse-transcript-line.js';
export { TranscriptTail } from './transcript/transcript-tail.js';
export type { TranscriptTailOptions, TailLine } from './transcript/transcript-tail.js';
export { DelegationAnalyzer, findSequentialChains, batchWaitedMs } from './analysis/delegation-analyzer.js';
export type { DelegationTurn, DelegationBatch, SpawnCall, SequentialChain } from './analysis/delegation-analyzer.js';
export { scanTranscripts } from './scan-transcripts.js';
export type { ScanReport, ScanTranscriptsOptions, SessionDelegationReport, ChainReport, ChainCallReport } from './scan-transcripts.js';
export { formatScanReport, formatDuration } from './format-scan-report.js';

// Reminder and CLAUDE.md
export { assessPrompt } from './assess-prompt.js';
export type { AssessPromptOptions, PromptAssessment, PromptSignal } from './assess-prompt.js';
export { updateClaudeMd, PARALLEL_DELEGATION_SECTION, SECTION_START, SECTION_END } from './update-claude-md.js';
export type { UpdateClaudeMdAction, UpdateClaudeMdResult } from './update-claude-md.js';
