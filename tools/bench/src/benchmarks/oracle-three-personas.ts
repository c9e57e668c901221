import { defineBenchmark } from '../define-benchmark.js';
import { startOracleBenchSim, type OracleBenchSim } from './oracle-bench-sim.js';

const LATENCY_MS = 3000;
const PERSONAS = ['judge', 'critic', 'skeptic'];

let bench: OracleBenchSim | undefined;

/** The case that motivated oracle: three personas of 3 s each, one after another vs at once. */
export const oracleThreePersonas = defineBenchmark({
  name: 'oracle-three-personas',
  description: `askPersonas: ${PERSONAS.join(', ')} at ${LATENCY_MS / 1000} s simulated latency (llm-sim)`,
  pkg: '@whitebox/oracle-batch',
  // A sequential round alone is 9 s; three paired runs keep the benchmark under a minute.
  runs: 3,
  // startOracleBenchSim warms the client up at zero latency instead.
  warmup: 0,
  setup: async () => {
    bench = await startOracleBenchSim({ latencyMs: LATENCY_MS });
  },
  teardown: async () => {
    await bench?.close();
  },
  baseline: {
    label: 'one after another',
    run: async () => void (await bench!.ask(PERSONAS, { maxWorkers: 1 })),
  },
  candidate: {
    label: 'askPersonas',
    run: async () => void (await bench!.ask(PERSONAS)),
  },
  targets: [
    { metric: 'candidate', max: LATENCY_MS * 1.1, note: 'issue 6: wall ≤ 1.1 × one call' },
    { metric: 'speedup', min: 3 / 1.1, note: 'sequential is ≈ 3 × one call' },
  ],
});
