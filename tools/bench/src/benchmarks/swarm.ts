/** swarm's benchmarks (issue 8): throughput against the ideal schedule, and memory over a large streamed input. */
export { swarmMemory } from './swarm-memory.js';
export { swarmThroughput } from './swarm-throughput.js';
