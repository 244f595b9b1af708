import { PassThrough } from "node:stream";
import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/telemetry/logger.js";
import { createMeters } from "../../src/telemetry/meters.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { StaticSource } from "../helpers/static-source.js";

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const logLines: string[] = [];
let t: TestApp;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => logLines.push(...chunk.toString().trim().split("\n")));
  const steady = Array.from({ length: 30 }, (_, i) => 100 + (i % 5));
  const source = new StaticSource("prometheus").set('lat{v="base"}', steady).set('lat{v="new"}', steady);
  t = await createTestApp({ sources: [source], meters: createMeters(meterProvider.getMeter("canary-gate")), logger: createLogger({ level: "info", destination: stream }) });
  const gate = {
    delay: "0s",
    checks: [
      { name: "latency", source: "prometheus", query: 'lat{v="{{version}}"}', baselineQuery: 'lat{v="{{baselineVersion}}"}', test: "mann-whitney" },
      { name: "latency-mean", source: "prometheus", query: 'lat{v="{{version}}"}', baselineQuery: 'lat{v="{{baselineVersion}}"}' },
    ],
  };
  expect((await t.request("PUT", "/v1/gates/traced", gate)).status).toBe(201);
});

afterAll(async () => {
  await t?.close();
  await meterProvider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

const children = (all: ReadableSpan[], parent: ReadableSpan) => all.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);

describe("telemetry", () => {
  it("traces one evaluation as server span → rollout.evaluate → check.evaluate → source.fetch", async () => {
    const created = await t.request("POST", "/v1/rollouts", { gate: "traced", service: "shop", environment: "prod", version: "new", baselineVersion: "base", startedAt: new Date(Date.now() - 600_000).toISOString() });
    spans.reset();
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const verdict = await t.request("POST", `/v1/rollouts/${created.body.id}/evaluate`, undefined, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(verdict.body.verdict).toBe("continue");
    const all = spans.getFinishedSpans();
    const servers = all.filter((span) => span.kind === SpanKind.SERVER);
    expect(servers).toHaveLength(1);
    const server = servers[0]!;
    expect(server.name).toBe("POST /v1/rollouts/:id/evaluate");
    expect(server.attributes).toMatchObject({ "http.route": "/v1/rollouts/:id/evaluate", "http.response.status_code": 200 });
    expect(server.spanContext().traceId).toBe(traceId);
    const [evaluation] = children(all, server);
    expect(evaluation?.name).toBe("rollout.evaluate");
    expect(evaluation?.attributes).toMatchObject({ "canary.gate": "traced", "canary.verdict": "continue", "canary.final": true, "canary.trigger": "request" });
    const checks = children(all, evaluation!);
    expect(checks.map((span) => [span.name, span.attributes["canary.check"], span.attributes["canary.result"], span.attributes["canary.source.type"]]).sort()).toEqual([
      ["check.evaluate", "latency", "pass", "prometheus"],
      ["check.evaluate", "latency-mean", "pass", "prometheus"],
    ]);
    // Both checks read the same two queries over the same windows: one request each, traced under the check that asked first.
    const fetches = checks.flatMap((check) => children(all, check));
    expect(fetches.map((span) => span.name)).toEqual(["source.fetch", "source.fetch"]);
    expect(fetches.map((span) => span.attributes["canary.query.role"]).sort()).toEqual(["baseline", "canary"]);
    const line = logLines.map((text) => JSON.parse(text)).find((entry) => entry.event === "rollout.evaluated");
    expect(line).toMatchObject({ trace_id: traceId, span_id: evaluation?.spanContext().spanId });
  });

  it("makes exactly one server span per request", async () => {
    spans.reset();
    await t.request("GET", "/v1/gates");
    await t.request("GET", "/v1/rollouts/not-a-uuid/verdict");
    const servers = spans.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map((span) => [span.name, span.attributes["http.response.status_code"]])).toEqual([["GET /v1/gates", 200], ["GET /v1/rollouts/:id/verdict", 400]]);
  });

  it("records the metric points of an evaluation and of verdict reads", async () => {
    const created = await t.request("POST", "/v1/rollouts", { gate: "traced", service: "shop", environment: "prod", version: "new", baselineVersion: "base", labels: { run: "metrics" }, startedAt: new Date(Date.now() - 600_000).toISOString() });
    await t.request("POST", `/v1/rollouts/${created.body.id}/evaluate`);
    await t.request("GET", `/v1/rollouts/${created.body.id}/verdict`);
    await reader.forceFlush();
    const metrics = metricExporter.getMetrics().at(-1)?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
    const byName = Object.fromEntries(metrics.map((metric) => [metric.descriptor.name, metric.dataPoints]));
    const sum = (name: string) => (byName[name] ?? []).reduce((total, point) => total + (typeof point.value === "number" ? point.value : (point.value as { count: number }).count), 0);
    expect(sum("canary_gate.evaluations")).toBeGreaterThanOrEqual(1);
    expect(byName["canary_gate.evaluations"]?.[0]?.attributes).toMatchObject({ verdict: "continue", final: true });
    expect(sum("canary_gate.evaluation.duration")).toBe(sum("canary_gate.evaluations"));
    // Two distinct queries per evaluation, shared by the gate's two checks.
    expect(sum("canary_gate.source.fetch.duration")).toBe(2 * sum("canary_gate.evaluations"));
    expect(byName["canary_gate.source.fetch.duration"]?.[0]?.attributes).toEqual({ source_type: "prometheus", outcome: "ok" });
    expect(sum("canary_gate.verdict.requests")).toBe(1);
    for (const points of Object.values(byName)) {
      for (const point of points) expect(Object.keys(point.attributes).some((key) => /id$/i.test(key))).toBe(false);
    }
  });
});
