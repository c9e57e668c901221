import { defineBenchmark } from '../define-benchmark.js';
import { startOracleBenchSim, TEN_PERSONAS, type OracleBenchSim } from './oracle-bench-sim.js';

// Scaled down from the 3 s so that a run with two rounds of retries still takes seconds.
const LATENCY_MS = 1000;
const RETRY_AFTER_MS = 1000;
const RATE_429 = 0.2;
// A persona needs a third retry with probability 0.2³; with 10 personas, no persona does in 92 % of runs (0.992¹⁰).
const BUDGETED_RETRIES = 2;
// llm-sim sends an injected 429 after the simulated latency, so each retry costs one call plus the wait.
const BUDGET_MS = LATENCY_MS + BUDGETED_RETRIES * (LATENCY_MS + RETRY_AFTER_MS);

let clean: OracleBenchSim | undefined;
let limited: OracleBenchSim | undefined;
let retries = 0;
let candidateRuns = 0;

/** A 429 storm: every persona must still answer, within the retry-after budget. */
export const oracleRateLimited = defineBenchmark({
  name: 'oracle-rate-limited',
  description: `askPersonas: ${TEN_PERSONAS.length} personas with ${RATE_429 * 100}% 429s (retry-after ${RETRY_AFTER_MS / 1000} s) vs none, at ${LATENCY_MS / 1000} s simulated latency (scaled from 3 s)`,
  pkg: '@whitebox/oracle-batch',
  runs: 5,
  warmup: 0,
  setup: async () => {
    retries = 0;
    candidateRuns = 0;
    clean = await startOracleBenchSim({ latencyMs: LATENCY_MS });
    limited = await startOracleBenchSim({ latencyMs: LATENCY_MS, faults: { '429': RATE_429 }, retryAfterMs: RETRY_AFTER_MS });
  },
  teardown: async () => {
    const seen = limited?.sim.log().requests.filter((request) => request.status === 429).length ?? 0;
    await clean?.close();
    await limited?.close();
    // Without a single 429 the benchmark measured nothing; the seed makes this deterministic.
    // (Skipped when no run finished, so as not to hide the error that stopped it.)
    if (candidateRuns > 0 && (seen === 0 || retries === 0)) throw new Error(`oracle-rate-limited: no 429 was injected (${seen}) or retried (${retries}); change the seed`);
  },
  baseline: {
    label: 'no 429s',
    run: async () => void (await clean!.ask(TEN_PERSONAS)),
  },
  candidate: {
    label: `${RATE_429 * 100}% 429s`,
    // ask() throws when a persona failed, which fails the benchmark.
    run: async () => {
      await limited!.ask(TEN_PERSONAS, {
        onEvent: (event) => {
          if (event.type === 'retry') retries++;
        },
      });
      candidateRuns++;
    },
  },
  targets: [
    {
      metric: 'candidate',
      max: BUDGET_MS,
      note: `issue 6: all answer within one call + ${BUDGETED_RETRIES} × (one call + retry-after)`,
    },
  ],
});
