import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SignalSource } from './abort-on-sigint.js';
import { UsageError } from './errors.js';
import type { CliIo } from './run-cli.js';

/** The process edges a command touches; tests replace them to run commands in-process. */
export interface CliContext {
  /** Where data and diagnostics go. @default process */
  readonly io: CliIo;
  /** Where text input is read from when the command takes it from stdin. @default process.stdin */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** @default process.cwd() */
  readonly cwd: string;
  /** @default process.env */
  readonly env: NodeJS.ProcessEnv;
  /** Where Ctrl-C comes from. @default process */
  readonly signals: SignalSource;
  /** The `fetch` an LLM client uses. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/** The real process as a {@link CliContext}. */
export function processContext(): CliContext {
  return { io: process, stdin: process.stdin, cwd: process.cwd(), env: process.env, signals: process };
}

/** Where {@link readTextInput} may find its text. */
export interface ReadTextInputOptions {
  /** Positional words; a single `-` means stdin. */
  readonly words?: readonly (string | number)[] | undefined;
  /** `--file`, resolved against the context's cwd. */
  readonly file?: string | undefined;
  /** What the text is called in messages, e.g. `proposal`. */
  readonly name: string;
  /**
   * Read stdin when neither words nor a file are given and stdin is not a terminal, so
   * `git diff | tool` works without `-`.
   * @default false
   */
  readonly implicitStdin?: boolean;
}

/**
 * Reads a command's text input from its words, `--file` or stdin; exactly one may be used.
 * Returns the trimmed text.
 *
 * @throws UsageError naming the flag or the missing input, and for empty text.
 */
export async function readTextInput(options: ReadTextInputOptions, context: Pick<CliContext, 'cwd' | 'stdin'>): Promise<string> {
  const words = (options.words ?? []).map(String);
  const fromStdin = words.length === 1 && words[0] === '-';
  if (options.file !== undefined && words.length > 0) {
    throw new UsageError(`give the ${options.name} either as an argument or with --file, not both`);
  }
  let text: string;
  if (options.file !== undefined) {
    try {
      text = await readFile(path.resolve(context.cwd, options.file), 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`--file ${options.file}: cannot read it (${reason})`, { cause: error });
    }
  } else if (fromStdin || (words.length === 0 && options.implicitStdin === true && context.stdin.isTTY !== true)) {
    text = await readStream(context.stdin);
  } else if (words.length > 0) {
    text = words.join(' ');
  } else {
    const stdinHint = options.implicitStdin === true ? 'or on stdin' : 'or "-" for stdin';
    throw new UsageError(`no ${options.name}: pass it as an argument, with --file, ${stdinHint}`);
  }
  if (text.trim() === '') throw new UsageError(`the ${options.name} is empty`);
  return text.trim();
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
