/** A time limit for one call to a source, joined with its caller's signal. */
export interface Deadline {
  readonly aborted: boolean;
  /** True once the time limit itself has passed (not when the caller aborted). */
  readonly expired: boolean;
  /** Calls `stop` once when the deadline passes or the caller aborts (at once if that has happened); returns an unsubscribe. */
  onAbort(stop: () => void): () => void;
  /** Stops the timer and lets go of the caller's signal; call it when the work has settled. */
  clear(): void;
}

/**
 * Starts a deadline. Not an AbortController: on Node 20 every AbortSignal is promoted to the old generation
 * at birth (about 1 KB with its controller), so one per request kept the heap growing between full
 * collections; and AbortSignal.timeout left each request's signal, listeners and timer behind for the whole
 * timeout. This is a timer and a set of callbacks, cleared when the work ends.
 */
export function startDeadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  let aborted = false;
  let expired = false;
  const stops = new Set<() => void>();
  const abort = () => {
    if (aborted) return;
    aborted = true;
    for (const stop of stops) stop();
    stops.clear();
  };
  const timer = setTimeout(() => {
    expired = true;
    abort();
  }, timeoutMs);
  timer.unref();
  if (parent?.aborted) abort();
  else parent?.addEventListener("abort", abort, { once: true });
  return {
    get aborted() {
      return aborted;
    },
    get expired() {
      return expired;
    },
    onAbort(stop) {
      if (aborted) {
        stop();
        return () => undefined;
      }
      stops.add(stop);
      return () => stops.delete(stop);
    },
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", abort);
      stops.clear();
    },
  };
}
