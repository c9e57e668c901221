/**
 * Milliseconds on a monotonic clock, like `performance.now()` but read from `process.hrtime()`: the
 * first use of `performance` loads perf_hooks, about a millisecond on every hook command before
 * its first hook starts. The origin is arbitrary; compare only with other readings of this clock.
 * It is the default clock of everything `run` times, so that deadlines and durations agree.
 */
export function monotonicNow(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
