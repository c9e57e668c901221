import { defineBenchmark } from '../define-benchmark.js';
import { startOracleBenchSim, TEN_PERSONAS, type OracleBenchSim } from './oracle-bench-sim.js';

const LATENCY_MS = 3000;

let bench: OracleBenchSim | undefined;

/** Ten personas at once cost about as much as asking one. */
export const oracleTenPersonas = defineBenchmark({
  name: 'oracle-ten-personas',
  description: `askPersonas: ${TEN_PERSONAS.length} personas vs 1 alone, at ${LATENCY_MS / 1000} s simulated latency (llm-sim)`,
  pkg: '@whitebox/oracle-batch',
  runs: 5,
  // startOracleBenchSim warms the client up at zero latency instead.
  warmup: 0,
  setup: async () => {
    bench = await startOracleBenchSim({ latencyMs: LATENCY_MS });
  },
  teardown: async () => {
    await bench?.close();
  },
  baseline: {
    label: 'one persona',
    run: async () => void (await bench!.ask(['judge'])),
  },
  candidate: {
    label: `${TEN_PERSONAS.length} personas`,
    run: async () => void (await bench!.ask(TEN_PERSONAS)),
  },
  targets: [
    { metric: 'relative', max: 1.15, note: 'issue 6: 10 personas ≤ 1.15 × one call' },
    { metric: 'candidate', max: LATENCY_MS * 1.15, note: 'the same against the simulated latency' },
  ],
});
