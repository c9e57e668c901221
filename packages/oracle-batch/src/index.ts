/**
 * @packageDocumentation
 * Asks several personas about one proposal in parallel and aggregates their structured verdicts.
 * The `oracle` CLI is a thin layer over {@link askPersonas}.
 */

export { askPersonas } from './ask-personas.js';
export type { AskPersonasOptions, PersonaEvent } from './ask-personas.js';
export { aggregateVerdicts } from './aggregate-verdicts.js';
export { formatReportMarkdown } from './format-report.js';
export {
  VERDICTS,
  VerdictSchema,
  UsageSchema,
  AnsweredPersonaSchema,
  FailedPersonaSchema,
  PersonaResultSchema,
  DissenterSchema,
  AggregateSchema,
  OracleReportSchema,
} from './oracle-report.js';
export type {
  VerdictKind,
  Verdict,
  Usage,
  AnsweredPersona,
  FailedPersona,
  PersonaResult,
  Dissenter,
  Aggregate,
  OracleReport,
} from './oracle-report.js';
export { BUILTIN_PERSONAS } from './builtin-personas.js';
export {
  loadPersonas,
  parsePersonaFile,
  selectPersonas,
  buildSystemPrompt,
  PersonaFrontMatterSchema,
  PERSONAS_DIR,
} from './persona.js';
export type { Persona, LoadPersonasOptions } from './persona.js';
export { createResponseCache, cacheKey, defaultCacheDir, CachedAnswerSchema, DEFAULT_CACHE_TTL_MS } from './response-cache.js';
export type { ResponseCache, ResponseCacheOptions, CachedAnswer, CacheKeyParts } from './response-cache.js';
export { createCli } from './create-cli.js';
export type { CliContext } from '@whitebox/core';
