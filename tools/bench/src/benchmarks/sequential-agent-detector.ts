/** The sequential-agent-detector benchmarks, registered together. */
export { detectorHookP99 } from './detector-hook-p99.js';
export { detectorScanThroughput } from './detector-scan-throughput.js';
