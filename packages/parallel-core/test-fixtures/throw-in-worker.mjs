// Fixture for cpu-pool tests: rejects with a message built from the task, so the test can check that
// the worker's own message reaches the caller.
/** @param {{ message: string, fail?: boolean }} task */
export default function fail(task) {
  if (task.fail === false) return task.message;
  throw new RangeError(`worker says: ${task.message}`);
}
