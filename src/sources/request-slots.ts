import { SourceError } from "./types.js";

/** Runs work with at most a fixed number of calls in flight; later calls wait their turn, first come first served. */
export type RequestSlots = <T>(work: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

/**
 * A source's request slots. An evaluation batch asks for hundreds of queries at once: sent together they
 * queue inside the backend anyway (Prometheus runs 20 at a time by default), while every open request holds
 * a connection, a response stream and its buffers here. A caller whose signal aborts while waiting leaves
 * the queue with a timeout error; a slot passes straight to the next waiter, so the limit is never exceeded.
 */
export function createRequestSlots(limit: number, sourceName: string): RequestSlots {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`request slots must be a positive integer, got ${limit}`);
  let busy = 0;
  const waiting: Array<{ start: () => void }> = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next.start();
    else busy -= 1;
  };

  const acquire = (signal: AbortSignal | undefined): Promise<void> => {
    if (busy < limit) {
      busy += 1;
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(cancelled(sourceName));
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      function onAbort() {
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        reject(cancelled(sourceName));
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      waiting.push(waiter);
    });
  };

  return async (work, signal) => {
    await acquire(signal);
    try {
      return await work();
    } finally {
      release();
    }
  };
}

function cancelled(sourceName: string): SourceError {
  return new SourceError("timeout", `request to ${sourceName} was cancelled while waiting for a free connection`);
}
