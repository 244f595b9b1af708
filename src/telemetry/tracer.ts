import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";

/** One tracer name for the whole service; spans are dotted and low-cardinality (`rollout.evaluate`). */
export const TRACER_NAME = "canary-gate";

/**
 * Runs `work` in a child span of the active one. An exception is recorded and re-thrown; the span
 * always ends. Attributes live under `canary.` and never carry secrets.
 */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
