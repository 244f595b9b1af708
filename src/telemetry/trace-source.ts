import { SourceError } from "../sources/types.js";
import type { Meters } from "./meters.js";
import { inSpan } from "./tracer.js";

/** Wraps one request to a source in a `source.fetch` span and records its duration and any error. */
export async function traceSourceFetch<T>(meters: Meters, source: { name: string; type: string }, role: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const attributes = { "canary.source.type": source.type, "canary.source.name": source.name, "canary.query.role": role };
  try {
    const result = await inSpan("source.fetch", attributes, work);
    meters.sourceFetchDuration.record((performance.now() - started) / 1000, { source_type: source.type, outcome: "ok" });
    return result;
  } catch (error) {
    const kind = error instanceof SourceError ? error.kind : "internal";
    meters.sourceFetchDuration.record((performance.now() - started) / 1000, { source_type: source.type, outcome: kind });
    meters.sourceFetchErrors.add(1, { source_type: source.type, kind });
    throw error;
  }
}
