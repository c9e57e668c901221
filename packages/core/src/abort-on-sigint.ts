import { AbortedError } from './errors.js';

/** What {@link abortOnSigint} hands back. */
export interface SigintController {
  /** Aborted by the first SIGINT: stop scheduling new work. */
  readonly signal: AbortSignal;
  /** Aborted by the second SIGINT: cancel work in flight too. */
  readonly forceSignal: AbortSignal;
  /** Removes the handler; the next SIGINT gets Node's default behaviour. */
  dispose(): void;
}

/** Anything with `process`'s `on`/`off` for signals; injectable for tests. */
export interface SignalSource {
  on(event: 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGINT', listener: () => void): unknown;
}

/**
 * Turns Ctrl-C into AbortSignals shared by the whole command. The first SIGINT aborts `signal`,
 * the second aborts `forceSignal`, and after that the handler steps aside, so a third Ctrl-C
 * kills the process the ordinary way even if the command ignores both signals.
 */
export function abortOnSigint(source: SignalSource = process): SigintController {
  const soft = new AbortController();
  const hard = new AbortController();
  const onSigint = (): void => {
    if (!soft.signal.aborted) {
      soft.abort(new AbortedError('Interrupted (SIGINT); press Ctrl-C again to cancel work in flight'));
      return;
    }
    hard.abort(new AbortedError('Interrupted twice (SIGINT); cancelling work in flight'));
    source.off('SIGINT', onSigint);
  };
  source.on('SIGINT', onSigint);
  return {
    signal: soft.signal,
    forceSignal: hard.signal,
    dispose: () => source.off('SIGINT', onSigint),
  };
}
