// CPU-bound fixture for cpu-pool tests: sums square roots for `iterations` rounds and reports which
// thread did the work. At load it drops a marker file named after its threadId into
// `workerData.markerDir` (when given), so tests can see that every thread started before any task.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId, workerData } from 'node:worker_threads';

const markerDir = workerData?.markerDir;
if (typeof markerDir === 'string') writeFileSync(join(markerDir, `thread-${threadId}`), '');

/** @param {{ iterations?: number, value?: unknown }} task */
export default function burn(task) {
  let sum = 0;
  for (let i = 0; i < (task?.iterations ?? 1000); i++) sum += Math.sqrt(i);
  return { threadId, sum, value: task?.value };
}
