import { trace } from "@opentelemetry/api";
import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout. Authorization headers and source secrets are redacted by path. */
export function createLogger(options: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "canary-gate" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ["req.headers.authorization", "headers.authorization", "*.headers", "secret", "*.secret"], censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      // Each line carries the active trace, so a log line leads to its trace and back.
      mixin: () => {
        const span = trace.getActiveSpan()?.spanContext();
        return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
      },
    },
    options.destination as never,
  );
}
