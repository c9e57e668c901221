/**
 * @packageDocumentation
 * An OpenAI-compatible LLM simulator over real HTTP: scripts, latency models, faults, rate limits,
 * files and batches, and a request log, for tests, demos and benchmarks.
 */

// Server
export { startLlmSim } from './start-llm-sim.js';
export type { LlmSim, LlmSimOptions } from './start-llm-sim.js';
export type { BatchTiming, BatchStatus } from './batch-store.js';
export type { SimLog, SimLogEntry, SimTokenCounts } from './request-log.js';

// Scripts and models
export { FAULT_KINDS, loadSimScript, parseSimScript, simScriptSchema } from './sim-script.js';
export type { FaultKind, FaultRates, ResolvedSimScript, ScriptRule, ScriptStep, SimScript } from './sim-script.js';
export { latencyModelSchema, parseLatencySpec, sampleLatency } from './latency-model.js';
export type { LatencyModel } from './latency-model.js';

// Building blocks
export { generateFromSchema, generateText } from './generate-from-schema.js';
export type { GenerateFromSchemaOptions } from './generate-from-schema.js';
export { estimatePromptTokens, estimateTokens } from './estimate-tokens.js';
export { createPrng, hashSeed } from './create-prng.js';
export type { Prng } from './create-prng.js';
export { createRateLimiter, formatResetDuration } from './rate-limiter.js';
export type { RateLimitDecision, RateLimiter, RateLimiterOptions } from './rate-limiter.js';
export { openAiError } from './openai-error.js';
export type { OpenAiErrorBody, OpenAiErrorFields } from './openai-error.js';
