import type { CliIo, SignalSource } from '@whitebox/core';

/** The process edges a command touches; tests replace them to run commands in-process. */
export interface CliContext {
  /** Where data and diagnostics go. @default process */
  readonly io: CliIo;
  /** Where a proposal is read from when `-` is given. @default process.stdin */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** @default process.cwd() */
  readonly cwd: string;
  /** @default process.env */
  readonly env: NodeJS.ProcessEnv;
  /** Where Ctrl-C comes from. @default process */
  readonly signals: SignalSource;
  /** The `fetch` the LLM client uses. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/** The real process. */
export function processContext(): CliContext {
  return { io: process, stdin: process.stdin, cwd: process.cwd(), env: process.env, signals: process };
}
