import type { Benchmark } from '../define-benchmark.js';
import { agentOffloadHookDecision, agentOffloadHookSpawn } from './agent-offload-hook.js';
import { councilConvergeRound1, councilConvergeRound2, councilConvergeRound3, councilFastArbiter, councilSpeculative } from './council-speculative.js';
import { cpuPool } from './cpu-pool.js';
import { hookExecutorBenchmarks } from './hook-executor.js';
import { perfTrackerReport, perfTrackerWrap } from './perf-tracker.js';
import { oracleRateLimited } from './oracle-rate-limited.js';
import { oracleTenPersonas } from './oracle-ten-personas.js';
import { oracleThreePersonas } from './oracle-three-personas.js';
import { runParallelOverhead } from './run-parallel-overhead.js';
import { runParallelWall } from './run-parallel-wall.js';
import { swarmMemory, swarmThroughput } from './swarm.js';
import { detectorHookP99, detectorScanThroughput } from './sequential-agent-detector.js';

/** Every benchmark `pnpm bench` knows, in the order the README lists them. */
export const benchmarks: readonly Benchmark[] = [runParallelOverhead, runParallelWall, cpuPool, oracleThreePersonas, oracleTenPersonas, oracleRateLimited, agentOffloadHookSpawn, agentOffloadHookDecision, councilSpeculative, councilConvergeRound1, councilConvergeRound2, councilConvergeRound3, councilFastArbiter, detectorHookP99, detectorScanThroughput, perfTrackerReport, perfTrackerWrap, ...hookExecutorBenchmarks, swarmThroughput, swarmMemory];
