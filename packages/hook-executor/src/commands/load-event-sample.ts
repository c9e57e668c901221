import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseHookInput, UsageError, WhiteboxError } from '@whitebox/core';
import { EXECUTOR_CONFIG_RELATIVE_PATH } from '../executor-constants.js';
import { loadExecutorConfig } from '../load-executor-config.js';

/** What `analyze` and `bench` both start from: the project's config and a sample input for one event. */
export interface EventSample {
  readonly projectDir: string;
  readonly configPath: string;
  readonly loaded: Awaited<ReturnType<typeof loadExecutorConfig>>;
  readonly inputText: string;
  readonly input: Record<string, unknown>;
}

/**
 * Loads the executor config (from `--config`, else the project's) and the sample input
 * (`-` for stdin), and checks that the event has hooks to run.
 *
 * @throws UsageError when the event has no hooks; WhiteboxError('IO') when the input cannot be read.
 */
export async function loadEventSample(options: {
  readonly event: string;
  readonly input: string;
  readonly config?: string | undefined;
  readonly projectDir?: string | undefined;
}): Promise<EventSample> {
  const projectDir = path.resolve(options.projectDir ?? process.env['CLAUDE_PROJECT_DIR'] ?? process.cwd());
  const configPath = path.resolve(options.config ?? path.join(projectDir, EXECUTOR_CONFIG_RELATIVE_PATH));
  const loaded = await loadExecutorConfig(configPath);
  if ((loaded.config.events[options.event]?.hooks.length ?? 0) === 0) {
    throw new UsageError(`${configPath} has no hooks for ${options.event}`);
  }
  let inputText: string;
  try {
    inputText = options.input === '-' ? await readStdinText() : await readFile(options.input, 'utf8');
  } catch (error) {
    throw new WhiteboxError('IO', `Cannot read the sample input ${options.input}: ${(error as Error).message}`, { cause: error });
  }
  const input = parseHookInput(inputText, { event: options.event }) as unknown as Record<string, unknown>;
  return { projectDir, configPath, loaded, inputText, input };
}

async function readStdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
