// Fixture for cpu-pool tests: a task that never finishes on its own (a long timer keeps the thread
// busy), so only an abort or a timeout can end it. `{ hang: false }` returns at once.
/** @param {{ hang?: boolean, value?: unknown }} task */
export default function waitForever(task) {
  if (task?.hang === false) return task.value;
  return new Promise(() => {
    setTimeout(() => {}, 2 ** 31 - 1);
  });
}
