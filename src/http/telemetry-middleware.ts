import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { TRACER_NAME } from "../telemetry/tracer.js";
import { requestHeaders } from "./request-header.js";

/**
 * One SERVER span per request, named after the route template (`GET /v1/rollouts/{id}/verdict`), child
 * of the caller's trace when it sends `traceparent`. It is the only server span: no HTTP
 * auto-instrumentation runs, so none is duplicated.
 */
export function serverSpan(): MiddlewareHandler {
  const tracer = trace.getTracer(TRACER_NAME);
  return async (c, next) => {
    const parent = propagation.extract(context.active(), requestHeaders(c));
    const span = tracer.startSpan(`${c.req.method}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": c.req.method, "url.path": c.req.path } }, parent);
    // Without an OpenTelemetry SDK the span is a no-op: skip the bookkeeping.
    if (!isSpanContextValid(span.spanContext())) return next();
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const route = c.req.matchedRoutes.filter((matched) => matched.method !== "ALL").at(-1)?.path;
      if (route) {
        span.setAttribute("http.route", route);
        span.updateName(`${c.req.method} ${route}`);
      }
      span.setAttribute("http.response.status_code", c.res.status);
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
