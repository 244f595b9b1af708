import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScheduler } from "../../src/evaluation/scheduler.js";
import { createPrometheusSource } from "../../src/sources/prometheus.js";
import { mulberry32 } from "../analysis/sequential/prng.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { counterSeries, gaugeSeries, startPrometheus, type OpenMetricsSeries, type PrometheusInstance } from "../helpers/prometheus.js";

const STEP = 15;
const nowSec = Math.floor(Date.now() / 1000 / 60) * 60;
const startedSec = nowSec - 30 * 60;
const dataStart = nowSec - 90 * 60;
const dataEnd = nowSec - 60;

/** Latency gauge and request/error counters of one version over [from, to). */
function versionSeries(version: string, from: number, to: number, opts: { latency: number; errorRate: number; seed: number }): OpenMetricsSeries[] {
  // Seeded, so the backfilled data are the same on every run.
  const next = mulberry32(opts.seed).uniform;
  const points = Math.floor((to - from) / STEP);
  const latency = Array.from({ length: points }, () => opts.latency * (1 + 0.02 * (next() + next() + next() - 1.5)));
  const requestsPerStep = 250;
  const errorsPerStep = requestsPerStep * opts.errorRate;
  const requests = Array.from({ length: points }, (_, i) => (i + 1) * requestsPerStep);
  const errors = Array.from({ length: points }, (_, i) => Math.round((i + 1) * errorsPerStep));
  const labels = { service: "shop", version };
  return [
    gaugeSeries("p99_latency_seconds", labels, from, STEP, latency),
    counterSeries("http_requests", labels, from, STEP, requests),
    counterSeries("http_errors", labels, from, STEP, errors),
  ];
}

let prometheus: PrometheusInstance;
let t: TestApp;

beforeAll(async () => {
  prometheus = await startPrometheus({
    series: [
      ...versionSeries("v1", dataStart, startedSec, { latency: 0.2, errorRate: 0.01, seed: 1 }),
      ...versionSeries("v2-good", startedSec, dataEnd, { latency: 0.2, errorRate: 0.01, seed: 2 }),
      ...versionSeries("v2-slow", startedSec, dataEnd, { latency: 0.22, errorRate: 0.01, seed: 3 }),
      ...versionSeries("v2-errors", startedSec, dataEnd, { latency: 0.2, errorRate: 0.03, seed: 4 }),
    ],
  });
  t = await createTestApp({ sources: [createPrometheusSource({ name: "prometheus", url: prometheus.url, timeoutMs: 3_000 })], sourceTimeoutMs: 5_000 });
  const latency = {
    name: "p99-latency",
    source: "prometheus",
    query: 'p99_latency_seconds{service="{{service}}",version="{{version}}"}',
    baselineQuery: 'p99_latency_seconds{service="{{service}}",version="{{baselineVersion}}"}',
    test: "mann-whitney",
    tolerance: 0.05,
    critical: true,
  };
  const errors = {
    name: "error-rate",
    source: "prometheus",
    kind: "counts",
    errors: 'sum(increase(http_errors_total{service="{{service}}",version="{{version}}"}[1m]))',
    total: 'sum(increase(http_requests_total{service="{{service}}",version="{{version}}"}[1m]))',
    baselineErrors: 'sum(increase(http_errors_total{service="{{service}}",version="{{baselineVersion}}"}[1m]))',
    baselineTotal: 'sum(increase(http_requests_total{service="{{service}}",version="{{baselineVersion}}"}[1m]))',
    test: "rate-ratio",
    tolerance: 0.5,
    critical: true,
  };
  for (const [name, gate] of Object.entries({
    shop: { delay: "1m", interval: "1m", timeout: "1h", checks: [latency, errors] },
    "shop-nodata-inconclusive": { delay: "1m", onNoData: "inconclusive", checks: [latency] },
    "shop-nodata-fail": { delay: "1m", checks: [latency] },
    "shop-error-inconclusive": { delay: "1m", onError: "inconclusive", checks: [latency] },
  })) {
    expect((await t.request("PUT", `/v1/gates/${name}`, gate)).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
  await prometheus?.stop();
});

const startRollout = async (gate: string, version: string) => {
  const response = await t.request("POST", "/v1/rollouts", {
    gate,
    service: "shop",
    environment: "prod",
    version,
    baselineVersion: "v1",
    startedAt: new Date(startedSec * 1000).toISOString(),
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
};

describe("rollouts judged on a real Prometheus with fixed-horizon tests", () => {
  it("continues a healthy rollout, evaluated by the scheduler", async () => {
    const id = await startRollout("shop", "v2-good");
    const scheduler = createScheduler(t.deps.evaluation, { tickMs: 1_000, leaseMs: 60_000, batchSize: 10 });
    expect(await scheduler.runOnce()).toBeGreaterThanOrEqual(1);
    const verdict = await t.request("GET", `/v1/rollouts/${id}/verdict`);
    expect(verdict.body).toMatchObject({ verdict: "continue", final: true, score: 100 });
    expect(verdict.body.checks.map((c: { result: string }) => c.result)).toEqual(["pass", "pass"]);
    const detail = await t.request("GET", `/v1/rollouts/${id}`);
    const [latency, errors] = detail.body.evaluations[0].checks;
    expect(latency.details.baseline.n).toBeGreaterThanOrEqual(28);
    expect(latency.details.canary.n).toBeGreaterThanOrEqual(27);
    expect(latency.details.queries[0].link).toContain(`${prometheus.url}/graph?g0.expr=`);
    expect(errors.details.counts.baseline.errors).toBeGreaterThan(200);
    // Final rollouts are not claimed again.
    expect(await scheduler.runOnce()).toBe(0);
  });

  it("halts a 10% p99 latency regression", async () => {
    const id = await startRollout("shop", "v2-slow");
    const verdict = await t.request("POST", `/v1/rollouts/${id}/evaluate`);
    expect(verdict.body).toMatchObject({ verdict: "halt", final: true });
    expect(verdict.body.reason).toMatch(/^Critical check p99-latency: /);
    const detail = await t.request("GET", `/v1/rollouts/${id}`);
    const latency = detail.body.evaluations[0].checks[0];
    expect(latency.result).toBe("fail");
    expect(latency.relativeChange).toBeGreaterThan(0.07);
    expect(latency.relativeChange).toBeLessThan(0.13);
  });

  it("halts a 3x error-rate spike", async () => {
    const id = await startRollout("shop", "v2-errors");
    const verdict = await t.request("POST", `/v1/rollouts/${id}/evaluate`);
    expect(verdict.body).toMatchObject({ verdict: "halt", final: true });
    expect(verdict.body.checks).toEqual([
      expect.objectContaining({ name: "p99-latency", result: "pass" }),
      expect.objectContaining({ name: "error-rate", result: "fail" }),
    ]);
    const detail = await t.request("GET", `/v1/rollouts/${id}`);
    const ratio = detail.body.evaluations[0].checks[1].estimate;
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(3.5);
  });

  it("follows onNoData when the query selects nothing", async () => {
    const pending = await t.request("POST", `/v1/rollouts/${await startRollout("shop-nodata-inconclusive", "v2-missing")}/evaluate`);
    expect(pending.body).toMatchObject({ verdict: "pending", final: false });
    expect(pending.body.checks[0].result).toBe("inconclusive");
    const halted = await t.request("POST", `/v1/rollouts/${await startRollout("shop-nodata-fail", "v2-missing")}/evaluate`);
    expect(halted.body).toMatchObject({ verdict: "halt", final: true });
    expect(halted.body.checks[0]).toMatchObject({ result: "fail" });
    expect(halted.body.reason).toContain("No data for p99-latency");
  });

  it("follows onError when Prometheus is stopped, and never continues", async () => {
    const inconclusiveId = await startRollout("shop-error-inconclusive", "v2-good");
    const failId = await startRollout("shop-nodata-fail", "v2-good");
    await prometheus.stop();
    for (let i = 0; i < 3; i += 1) {
      const verdict = await t.request("POST", `/v1/rollouts/${inconclusiveId}/evaluate`);
      expect(verdict.body).toMatchObject({ verdict: "pending", final: false });
      expect(verdict.body.checks[0].result).toBe("inconclusive");
    }
    const detail = await t.request("GET", `/v1/rollouts/${inconclusiveId}`);
    expect(detail.body.evaluations[0].checks[0].details).toMatchObject({ rawResult: "error", error: { kind: "unreachable" } });
    const halted = await t.request("POST", `/v1/rollouts/${failId}/evaluate`);
    expect(halted.body).toMatchObject({ verdict: "halt", final: true });
  });
});
