import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { versionSeries } from "../../examples/demo/demo-data.js";
import { createPrometheusSource } from "../../src/sources/prometheus.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { startPrometheus, type PrometheusInstance } from "../helpers/prometheus.js";

const nowSec = Math.floor(Date.now() / 1000 / 60) * 60;
const startedSec = nowSec - 40 * 60;
const dataStart = nowSec - 100 * 60;
const dataEnd = nowSec - 60;
// The evaluation clock walks through the canary window, so each evaluation sees new steps.
let clock = new Date((startedSec + 12 * 60) * 1000);

let prometheus: PrometheusInstance;
let t: TestApp;

const versions = [
  { version: "v1", from: dataStart, to: dataEnd, median: 0.1, errorRate: 0.005, seed: 11 },
  { version: "good", from: startedSec, to: dataEnd, median: 0.1, errorRate: 0.005, seed: 12 },
  { version: "slow", from: startedSec, to: dataEnd, median: 0.11, errorRate: 0.005, seed: 13 },
  { version: "errors", from: startedSec, to: dataEnd, median: 0.1, errorRate: 0.015, seed: 14 },
  { version: "tail", from: startedSec, to: dataEnd, median: 0.1, errorRate: 0.005, seed: 15, tail: { share: 0.03, factor: 2.5 } },
];

const selector = (version: string) => `http_request_duration_seconds_bucket{service="shop",version="${version}"}`;
const p99 = (version: string) => `histogram_quantile(0.99, sum by (le) (rate(${selector(version)}[1m])))`;

beforeAll(async () => {
  prometheus = await startPrometheus({ series: versions.flatMap((spec) => versionSeries("shop", spec)) });
  t = await createTestApp({ sources: [createPrometheusSource({ name: "prometheus", url: prometheus.url })], now: () => clock });
  const gate = {
    delay: "1m",
    interval: "1m",
    timeout: "2h",
    checks: [
      {
        name: "p99-latency",
        source: "prometheus",
        query: p99("{{version}}"),
        baselineQuery: p99("{{baselineVersion}}"),
      },
      {
        name: "error-rate",
        source: "prometheus",
        kind: "counts",
        errors: 'sum(increase(http_requests_total{service="shop",version="{{version}}",code="500"}[1m]))',
        total: 'sum(increase(http_requests_total{service="shop",version="{{version}}"}[1m]))',
        baselineErrors: 'sum(increase(http_requests_total{service="shop",version="{{baselineVersion}}",code="500"}[1m]))',
        baselineTotal: 'sum(increase(http_requests_total{service="shop",version="{{baselineVersion}}"}[1m]))',
        tolerance: 0.5,
      },
      { name: "latency-tail", source: "prometheus", kind: "histogram", query: selector("{{version}}"), baselineQuery: selector("{{baselineVersion}}"), quantile: 0.99, tolerance: 0.5 },
    ],
  };
  expect((await t.request("PUT", "/v1/gates/shop-sequential", gate)).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await prometheus?.stop();
});

async function startRollout(version: string) {
  const response = await t.request("POST", "/v1/rollouts", { gate: "shop-sequential", service: "shop", environment: "prod", version, baselineVersion: "v1", startedAt: new Date(startedSec * 1000).toISOString() });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

/** Evaluates at each clock time (minutes after the rollout start) and returns the verdicts. */
async function evaluateAt(id: string, minutes: number[]) {
  const verdicts = [];
  for (const minute of minutes) {
    clock = new Date((startedSec + minute * 60) * 1000);
    verdicts.push((await t.request("POST", `/v1/rollouts/${id}/evaluate`)).body);
  }
  return verdicts;
}

const resultOf = (verdict: { checks: Array<{ name: string; result: string }> }, name: string) => verdict.checks.find((check) => check.name === name)?.result;

describe("anytime-valid tests on a real Prometheus", () => {
  it("continues a healthy rollout", async () => {
    const id = await startRollout("good");
    const [verdict] = await evaluateAt(id, [12]);
    expect(verdict).toMatchObject({ verdict: "continue", final: true, score: 100 });
    const detail = (await t.request("GET", `/v1/rollouts/${id}`)).body;
    for (const check of detail.evaluations[0].checks) {
      expect(check.details.alpha).toBeCloseTo(0.05 / 3, 12);
      expect(check.details.intervalKind).toBe("relative");
      expect(check.lower).toBeGreaterThanOrEqual(-0.5);
    }
  });

  it("keeps state between evaluations and reads only new steps", async () => {
    // A 0.5% tolerance cannot be resolved in 40 minutes of this noise: the rollout stays pending.
    const strict = { checks: [{ name: "p99-latency", source: "prometheus", tolerance: 0.005, query: p99("{{version}}"), baselineQuery: p99("{{baselineVersion}}") }], timeout: "2h" };
    expect((await t.request("PUT", "/v1/gates/shop-strict", strict)).status).toBe(201);
    const response = await t.request("POST", "/v1/rollouts", { gate: "shop-strict", service: "shop", environment: "prod", version: "good", baselineVersion: "v1", startedAt: new Date(startedSec * 1000).toISOString() });
    const id = response.body.id as string;
    const verdicts = await evaluateAt(id, [12, 25, 39]);
    expect(verdicts.map((verdict) => verdict.verdict)).toEqual(["pending", "pending", "pending"]);
    const evaluations = [...(await t.request("GET", `/v1/rollouts/${id}`)).body.evaluations].reverse();
    const runs = evaluations.map((evaluation: any) => evaluation.checks[0].details.queries);
    // The baseline is read once; each canary read starts one step after the last step already consumed.
    expect(runs.map((queries: any[]) => queries.filter((q) => q.role === "baseline").length)).toEqual([1, 0, 0]);
    const canary = runs.map((queries: any[]) => queries.find((q) => q.role === "canary"));
    expect(canary[0].start).toBe(new Date((startedSec + 60) * 1000).toISOString());
    expect(canary[1].start).toBe(new Date((startedSec + 13 * 60) * 1000).toISOString());
    expect(canary[2].start).toBe(new Date((startedSec + 26 * 60) * 1000).toISOString());
    expect(canary.map((q: any) => q.points)).toEqual([12, 13, 14]);
  });

  it("halts a 10% latency regression through the sequential mean test", async () => {
    const id = await startRollout("slow");
    const verdicts = await evaluateAt(id, [12, 20, 30, 39]);
    const halted = verdicts.find((verdict) => verdict.verdict === "halt");
    expect(halted).toBeDefined();
    expect(resultOf(halted, "p99-latency")).toBe("fail");
    const detail = (await t.request("GET", `/v1/rollouts/${id}`)).body;
    const latency = detail.evaluations[0].checks.find((check: any) => check.name === "p99-latency");
    expect(latency.details.intervalKind).toBe("relative");
    expect(latency.relativeChange).toBeGreaterThan(0.05);
    expect(latency.pValue).toBeLessThan(0.05 / 3);
  });

  it("halts a 3x error-rate spike through the sequential rate test", async () => {
    const id = await startRollout("errors");
    const verdicts = await evaluateAt(id, [12, 20, 30, 39]);
    const halted = verdicts.find((verdict) => verdict.verdict === "halt");
    expect(halted).toBeDefined();
    expect(resultOf(halted, "error-rate")).toBe("fail");
  });

  it("halts a tail-only regression through the histogram quantile test", async () => {
    const id = await startRollout("tail");
    const verdicts = await evaluateAt(id, [12, 20, 30, 39]);
    const halted = verdicts.find((verdict) => verdict.verdict === "halt");
    expect(halted).toBeDefined();
    expect(resultOf(halted, "latency-tail")).toBe("fail");
    expect(resultOf(halted, "error-rate")).not.toBe("fail");
  });
});
