import { AbortedError, createColors, UsageError } from '@whitebox/core';
import type { CliIo } from '@whitebox/core';
import { parseLatencySpec } from '../../latency-model.js';
import type { LatencyModel } from '../../latency-model.js';
import type { SimLogEntry } from '../../request-log.js';
import { FAULT_KINDS, loadSimScript } from '../../sim-script.js';
import type { FaultKind, FaultRates, ResolvedSimScript } from '../../sim-script.js';
import { startLlmSim } from '../../start-llm-sim.js';
import type { LlmSim, LlmSimOptions } from '../../start-llm-sim.js';
import type { ServeArgs } from './command.js';

/** Where `serve` listens for stop signals; `process` unless a test injects an emitter. */
export interface StopSignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** Injectable edges of {@link serve}. */
export interface ServeEnvironment {
  /** @default process */
  readonly io?: CliIo;
  /** @default process */
  readonly signals?: StopSignalSource;
  /** Called once the simulator listens; tests use it to reach the server. */
  readonly onListening?: (sim: LlmSim) => void;
}

/**
 * Runs `llm-sim serve`: starts the simulator, prints its base URL on stdout, logs each request on
 * stderr (unless `--quiet`), and stops on SIGINT or SIGTERM after closing every connection.
 *
 * @returns On SIGTERM, a normal stop (exit 0).
 * @throws AbortedError on SIGINT, so the CLI exits 130 as every Whitebox CLI does after Ctrl-C;
 * UsageError for a bad flag value.
 */
export async function serve(args: Partial<ServeArgs>, env: ServeEnvironment = {}): Promise<void> {
  const io = env.io ?? process;
  const signals = env.signals ?? process;
  const options = await toSimOptions(args);
  const c = createColors(io.stderr);
  const quiet = args.quiet === true;
  const sim = await startLlmSim({
    ...options,
    onRequest: quiet ? undefined : (entry) => io.stderr.write(`${formatEntry(entry, c)}\n`),
  });
  io.stdout.write(`${sim.baseURL}\n`);
  if (!quiet) io.stderr.write(c.dim(`llm-sim listening on ${sim.baseURL}; Ctrl-C to stop\n`));
  env.onListening?.(sim);

  const stopped = await new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
    const onInt = (): void => done('SIGINT');
    const onTerm = (): void => done('SIGTERM');
    const done = (signal: 'SIGINT' | 'SIGTERM'): void => {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
      resolve(signal);
    };
    signals.on('SIGINT', onInt);
    signals.on('SIGTERM', onTerm);
  });
  await sim.close();
  if (!quiet) io.stderr.write(c.dim(`llm-sim stopped (${stopped})\n`));
  if (stopped === 'SIGINT') throw new AbortedError('llm-sim stopped by SIGINT');
}

/**
 * Turns the parsed flags into {@link LlmSimOptions}, loading the script so that per-model
 * `--latency MODEL=SPEC` flags can be merged into it.
 *
 * @throws UsageError naming the flag and the bad value, or the script file and its bad field.
 */
export async function toSimOptions(args: Partial<ServeArgs>): Promise<LlmSimOptions> {
  let script: ResolvedSimScript = {};
  if (args.script !== undefined) {
    try {
      script = await loadSimScript(args.script);
    } catch (error) {
      // A missing or invalid script is bad input on the command line: exit 2, like a bad flag.
      throw new UsageError(`--script ${(error as Error).message}`, { cause: error });
    }
  }
  let latency: LatencyModel | undefined;
  const models: Record<string, LatencyModel> = {};
  for (const spec of args.latency ?? []) {
    const eq = spec.indexOf('=');
    const model = eq >= 0 ? spec.slice(0, eq) : undefined;
    const parsed = parseSpec('--latency', eq >= 0 ? spec.slice(eq + 1) : spec);
    if (model) models[model] = parsed;
    else latency = parsed;
  }
  if (Object.keys(models).length > 0) {
    script = { ...script, latency: { ...script.latency, models: { ...script.latency?.models, ...models } } };
  }
  let faults: FaultRates | undefined;
  for (const spec of args.faultRate ?? []) {
    const eq = spec.indexOf('=');
    const kind = eq >= 0 ? spec.slice(0, eq) : '429';
    const rate = Number(eq >= 0 ? spec.slice(eq + 1) : spec);
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(`--fault-rate: unknown fault kind ${JSON.stringify(kind)}; expected one of ${FAULT_KINDS.join(', ')}`);
    }
    if (!(rate >= 0 && rate <= 1)) throw new UsageError(`--fault-rate: expected a rate from 0 to 1, got ${JSON.stringify(spec)}`);
    faults = { ...faults, [kind as FaultKind]: rate };
  }
  if (faults && Object.values(faults).reduce((sum, rate) => sum + rate, 0) > 1) {
    throw new UsageError(`--fault-rate: the rates add up to more than 1 (${JSON.stringify(faults)})`);
  }
  const positive = (flag: string, value: number | undefined, allowZero = false): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      throw new UsageError(`${flag}: expected a ${allowZero ? 'number ≥ 0' : 'positive number'}, got ${String(value)}`);
    }
    return value;
  };
  const port = args.port ?? 8787;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port: expected an integer from 0 to 65535, got ${String(port)}`);
  if (args.seed !== undefined && !Number.isSafeInteger(args.seed)) throw new UsageError(`--seed: expected an integer, got ${String(args.seed)}`);
  return {
    port,
    host: args.host ?? '127.0.0.1',
    script,
    seed: args.seed,
    latency,
    chunkDelayMs: positive('--chunk-delay', args.chunkDelay, true),
    faults,
    invalidJson: args.invalidJson,
    retryAfterMs: positive('--retry-after-ms', args.retryAfterMs, true),
    rpm: positive('--rpm', args.rpm),
    tpm: positive('--tpm', args.tpm),
    apiKeys: args.apiKey,
    timeScale: positive('--time-scale', args.timeScale),
  };
}

function parseSpec(flag: string, spec: string): LatencyModel {
  try {
    return parseLatencySpec(spec);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

function formatEntry(entry: SimLogEntry, c: ReturnType<typeof createColors>): string {
  const status = entry.status === null ? c.red('---') : entry.status >= 400 ? c.red(String(entry.status)) : c.green(String(entry.status));
  const parts = [c.dim(new Date(entry.finishedAt).toISOString().slice(11, 23)), entry.method, entry.path, status];
  if (entry.model) parts.push(entry.model);
  if (entry.persona) parts.push(`persona=${entry.persona}`);
  parts.push(`${entry.durationMs}ms`);
  if (entry.stream) parts.push('stream');
  if (entry.model) parts.push(`${entry.tokens.prompt}+${entry.tokens.completion} tok`);
  if (entry.fault) parts.push(c.yellow(`fault=${entry.fault}`));
  if (entry.cancelled) parts.push(c.yellow('cancelled'));
  return parts.join(' ');
}
