import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseHookInput, perfLogPath, WhiteboxError } from '@whitebox/core';
import type { CpuPool } from '@whitebox/parallel-core';
import { executeEvent } from '../../execute-event.js';
import { hookPerfRecords, recordHookTimings } from '../../hook-perf-records.js';
import { outcomeWithoutProcess } from '../../run-command-hook.js';
import type { CommandHookOutcome } from '../../run-command-hook.js';
import type { RunIo } from './run-hook-event.js';
import type { CachedConfig } from '../../config-cache.js';

/** What {@link runLocally} needs; see `runHookEvent`. */
export interface RunLocallyOptions {
  readonly event: string;
  readonly configPath: string;
  /** The validated config and its warnings; `undefined` when the file does not exist. */
  readonly config: CachedConfig | undefined;
  readonly projectDir: string;
  readonly stdinText: string;
  /** Set when stdin could not be read at all (a terminal, too large). */
  readonly stdinProblem?: string | undefined;
  readonly io: RunIo;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stops the hooks; signals already feed it. */
  readonly stop: AbortController;
  /** When the event started (`monotonicNow`), for the deadline of prestarted hooks. */
  readonly startedAt: number;
  /** The signal that interrupted the run, if one did. */
  readonly signalled: () => NodeJS.Signals | undefined;
  /** Hooks `runHookEvent` already started. */
  readonly prestarted?: ReadonlyMap<string, Promise<CommandHookOutcome>>;
}

const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Runs one event's hooks in this process and prints the merged result. Invalid or missing stdin is
 * a non-blocking error (exit 1), or a block (exit 2) on a fail-closed event: one whose `onError`,
 * or any of whose hooks' `onError`, is "block". Hooks that were prestarted are stopped when the
 * input turns out to be invalid. The config comes validated: `runHookEvent` sees to that.
 */
export async function runLocally(options: RunLocallyOptions): Promise<number> {
  const { io, event } = options;
  const abandon = async (code: number): Promise<number> => {
    options.stop.abort('cancelled');
    await Promise.all(options.prestarted?.values() ?? []);
    return code;
  };

  const { config, warnings } = options.config ?? { config: { events: {} }, warnings: [] };
  const block = config.events[event];
  const failClosed = block !== undefined && (block.onError === 'block' || block.hooks.some((hook) => hook.onError === 'block'));

  let input: Record<string, unknown>;
  try {
    if (options.stdinProblem !== undefined) throw new WhiteboxError('INPUT_INVALID', `Invalid hook input: ${options.stdinProblem}`);
    input = parseHookInput(options.stdinText, { event }) as unknown as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof WhiteboxError)) throw error;
    const note = failClosed ? ` (${event} is set to fail closed, so this blocks)` : '';
    io.stderr.write(`hook-executor: ${error.message}${note}\n`);
    return abandon(failClosed ? 2 : 1);
  }
  const debug: string[] = warnings.map((warning) => `hook-executor: warning: ${warning}`);
  if (options.config === undefined) debug.push(`hook-executor: ${options.configPath} does not exist; no hooks ran`);

  let pool: Promise<CpuPool> | undefined;
  const cpuPool = (): Promise<CpuPool> => {
    pool ??= import('../../create-module-hook-pool.js').then(({ createModuleHookPool }) =>
      createModuleHookPool({
        threads: Math.max(1, Math.min(availableParallelism(), block?.hooks.filter((hook) => hook.cpu === true).length ?? 1)),
      }),
    );
    return pool;
  };

  try {
    const running = executeEvent({
      config,
      configDir: path.dirname(options.configPath),
      event,
      input,
      inputText: options.stdinText,
      projectDir: options.projectDir,
      env: options.env,
      stop: options.stop,
      startedAt: options.startedAt,
      cpuPool,
      ...(options.prestarted !== undefined && { prestarted: options.prestarted }),
    });
    const warmUp = options.prestarted !== undefined && options.prestarted.size > 0 ? warmUpAnswerPath(event, input, options) : undefined;
    const [result] = await Promise.all([running, warmUp]);
    const caught = options.signalled();
    if (caught !== undefined) return SIGNAL_EXIT[caught] ?? 1;

    const { merged } = result;
    // Only when there is something: the first use of process.stdout builds a stream.
    if (merged.stdout !== '') io.stdout.write(merged.stdout);
    if (result.shortCircuitedBy !== undefined) {
      debug.push(`hook-executor: ${result.shortCircuitedBy} blocked; the hooks still running or waiting were cancelled (shortCircuit)`);
    }
    if (config.timings !== false && options.env['HOOK_EXECUTOR_TIMINGS'] !== '0') {
      const problem = recordHookTimings(perfLogPath(options.projectDir), hookPerfRecords(result, { input, runner: 'executor-parallel' }));
      if (problem !== undefined) debug.push(problem);
    }
    // On exit 1 and 2 stderr is a message Claude or the user reads; debug notes go only with exit 0.
    const stderr = merged.exitCode === 0 ? [merged.stderr, ...debug].filter((line) => line !== '').join('\n') : merged.stderr;
    if (stderr !== '') io.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
    return merged.exitCode;
  } finally {
    if (pool !== undefined) await (await pool.catch(() => undefined))?.destroy();
  }
}

/**
 * Runs the path from the last hook's exit to the answer (graph completion, policies, merge, timing
 * records) once, on a synthetic hook that has already finished, while the real hooks run. V8
 * compiles a function on its first call: on that path, about 1.5 ms between the last hook's exit
 * and the answer, on every event.
 */
async function warmUpAnswerPath(event: string, input: Record<string, unknown>, options: RunLocallyOptions): Promise<void> {
  try {
    const result = await executeEvent({
      config: { events: { [event]: { hooks: [{ id: 'warm-up', command: 'true' }] } } },
      configDir: options.projectDir,
      event,
      input,
      inputText: options.stdinText,
      projectDir: options.projectDir,
      env: {},
      prestarted: new Map([['warm-up', Promise.resolve(outcomeWithoutProcess({ exitCode: 0 }))]]),
    });
    JSON.stringify(hookPerfRecords(result, { input, runner: 'executor-parallel' }));
  } catch {
    // Only ever a head start; the real event reports its own problems.
  }
}
