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
export { withJson, withVerbose, withQuiet, withConfig, withCommonOptions } from './cli-options.js';
export type { CommonOptions } from './cli-options.js';
export { createColors, shouldUseColor } from './colors.js';
export type { Colors } from './colors.js';
export { abortOnSigint } from './abort-on-sigint.js';
export type { SigintController, SignalSource } from './abort-on-sigint.js';

// Hook protocol

// Matchers and settings

// JSONL
