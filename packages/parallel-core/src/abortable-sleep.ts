/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts, so a
 * backoff never outlives the run that scheduled it.
 *
 * @param ms - How long to wait.
 * @param signal - Cancels the wait; an already-aborted signal rejects at once.
 *
 * @example
 * await abortableSleep(250, controller.signal);
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
