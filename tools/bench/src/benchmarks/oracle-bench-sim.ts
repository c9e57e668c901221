import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLlmClient, resolveProvider, type LlmClient } from '@whitebox/core';
import { startLlmSim, type FaultRates, type LlmSim } from '@whitebox/llm-sim';
import { askPersonas, BUILTIN_PERSONAS, type AskPersonasOptions, type OracleReport, type Persona } from '@whitebox/oracle-batch';

/** The proposal every oracle benchmark asks about. */
export const BENCH_PROPOSAL = 'Replace the nightly cron job that rebuilds the search index with a queue of incremental updates.';

const extra = (name: string, focus: string): Persona => ({
  name,
  description: `Bench reviewer: ${focus}`,
  systemPrompt: `You are a reviewer who looks only at ${focus}.`,
  model: undefined,
  temperature: undefined,
  source: 'bench',
});

/** Ten distinct personas: the seven built-ins plus three made up for the benchmark. */
export const TEN_PERSONAS: readonly Persona[] = [
  ...BUILTIN_PERSONAS,
  extra('performance', 'latency and throughput'),
  extra('operations', 'deployment, monitoring and on-call load'),
  extra('product', 'what users notice'),
];

/** A running simulator with an oracle client pointed at it. */
export interface OracleBenchSim {
  readonly sim: LlmSim;
  readonly client: LlmClient;
  /** `askPersonas` on {@link BENCH_PROPOSAL}; throws unless every persona answered, so a benchmark fails loudly. */
  readonly ask: (personas: readonly (Persona | string)[], options?: Omit<AskPersonasOptions, 'client'>) => Promise<OracleReport>;
  readonly close: () => Promise<void>;
}

/** Options for {@link startOracleBenchSim}. */
export interface OracleBenchSimOptions {
  /** The simulated latency of every call, before the first byte. */
  readonly latencyMs: number;
  /** Injected fault rates, e.g. `{ '429': 0.2 }`. @default none */
  readonly faults?: FaultRates;
  /** What injected 429s advertise as `retry-after-ms`. @default 1000 */
  readonly retryAfterMs?: number;
  /** @default 1 */
  readonly seed?: number;
}

/**
 * Starts llm-sim in-process and resolves a provider for it the way `oracle` does (flags only, in
 * an empty working directory so that no stray `.claude/whitebox.json` changes the retry policy).
 * One round is asked at zero latency first, so that the harness's warm-up run (which would cost a
 * full simulated round) is not needed; only then are the latency and faults switched on.
 */
export async function startOracleBenchSim(options: OracleBenchSimOptions): Promise<OracleBenchSim> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'whitebox-bench-oracle-'));
  const sim = await startLlmSim({ seed: options.seed ?? 1, retryAfterMs: options.retryAfterMs ?? 1000 });
  try {
    const provider = await resolveProvider({ baseURL: sim.baseURL, apiKey: 'sk-bench', model: 'gpt-4o-mini', cwd, env: {} });
    const client = createLlmClient({ provider });
    const ask = async (personas: readonly (Persona | string)[], askOptions: Omit<AskPersonasOptions, 'client'> = {}): Promise<OracleReport> => {
      const report = await askPersonas(BENCH_PROPOSAL, personas, { timeoutMs: 60_000, ...askOptions, client });
      const failed = report.results.filter((result) => result.status === 'failed');
      if (failed.length > 0) {
        const why = failed.map((result) => `${result.persona}: ${result.status === 'failed' ? result.error.message : ''}`).join('; ');
        throw new Error(`${failed.length} of ${report.results.length} personas failed: ${why}`);
      }
      return report;
    };
    await ask(['judge', 'critic', 'skeptic']);
    sim.setScript({ latency: { default: options.latencyMs }, ...(options.faults === undefined ? {} : { faults: options.faults }) });
    sim.reset();
    return {
      sim,
      client,
      ask,
      close: async () => {
        await sim.close();
        await rm(cwd, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sim.close();
    await rm(cwd, { recursive: true, force: true });
    throw error;
  }
}
