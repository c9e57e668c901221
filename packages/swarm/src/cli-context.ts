import type { CliIo, SignalSource } from '@whitebox/core';

/** The process edges a command touches; tests replace them to run commands in-process. */
export interface CliContext {
  /** Where data and diagnostics go. @default process */
  readonly io: CliIo & { readonly stderr: CliIo['stderr'] & { readonly columns?: number } };
  /** @default process.cwd() */
  readonly cwd: string;
  /** @default process.env */
  readonly env: NodeJS.ProcessEnv;
  /** Where Ctrl-C comes from. @default process */
  readonly signals: SignalSource;
  /** The `fetch` for provider requests. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/** The real process. */
export function processContext(): CliContext {
  return { io: process, cwd: process.cwd(), env: process.env, signals: process };
}
