import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BucketSeries, MetricSource, QueryWindow, SeriesData } from "../../src/sources/types.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

/**
 * Metric data at its edges (empty, one point, all equal, NaN/Inf, counter resets, negative values,
 * timestamps out of order, huge values) goes through the real evaluation for every test type: each
 * check ends with a defined result and a summary, never an exception, an `error` or a 500.
 */

const SCENARIOS = ["none", "empty", "single", "equal", "nonfinite", "all-nan", "negative", "reset", "out-of-order", "duplicates", "huge", "zero"] as const;
type Scenario = (typeof SCENARIOS)[number];
const N = 30;

function seriesValues(metric: string, scenario: Scenario | "normal"): number[] {
  const normal = Array.from({ length: N }, (_, i) => (metric === "err" ? (i % 3) + 1 : metric === "tot" ? 100 + (i % 7) : 100 + ((i * 37) % 11) / 10));
  switch (scenario) {
    case "normal":
    case "out-of-order":
    case "duplicates":
      return normal;
    case "none":
    case "empty":
      return [];
    case "single":
      return normal.slice(0, 1);
    case "equal":
      return normal.map(() => 5);
    case "nonfinite":
      return normal.map((value, i) => [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, value][i % 4] as number);
    case "all-nan":
      return normal.map(() => Number.NaN);
    case "negative":
      return normal.map((value) => -value);
    case "reset":
      // Per-step increases of a counter that restarted: some steps go below zero.
      return normal.map((value, i) => (i % 5 === 4 ? -10 * value : value));
    case "huge":
      return normal.map((value) => value * 1e306);
    case "zero":
      return normal.map(() => 0);
  }
}

const LE = [0.1, 0.5, 1, Number.POSITIVE_INFINITY];
function bucketCounts(scenario: Scenario | "normal", step: number): number[] {
  const normal = [50 + (step % 3), 90, 99, 100 + (step % 2)];
  switch (scenario) {
    case "equal":
      return [7, 7, 7, 7];
    case "nonfinite":
      return [Number.NaN, Number.POSITIVE_INFINITY, 3, Number.NaN];
    case "all-nan":
      return LE.map(() => Number.NaN);
    case "negative":
      return normal.map((count) => -count);
    case "reset":
      return step % 5 === 4 ? [90, 40, 10, 5] : normal;
    case "huge":
      return normal.map((count) => count * 1e306);
    case "zero":
      return [0, 0, 0, 0];
    default:
      return normal;
  }
}

function timestamps(scenario: Scenario | "normal", window: QueryWindow, length: number): number[] {
  const start = window.start.getTime() / 1000;
  const ordered = Array.from({ length }, (_, i) => start + i * window.stepSeconds);
  if (scenario === "out-of-order") return ordered.map((_, i) => ordered[(i * 7) % length] as number);
  if (scenario === "duplicates") return ordered.map((t, i) => ordered[i - (i % 2)] ?? t);
  return ordered;
}

/** Reads `metric{v="<scenario>"}`; `<scenario>-base` selects normal data, so each side can be the odd one. */
class EdgeSource implements MetricSource {
  readonly name = "prometheus";
  readonly type = "prometheus";

  private parse(query: string): { metric: string; scenario: Scenario | "normal" } {
    const match = /^(\w+)\{v="([^"]+)"\}$/.exec(query);
    const [, metric = "", label = ""] = match ?? [];
    return { metric, scenario: (SCENARIOS as readonly string[]).includes(label) ? (label as Scenario) : "normal" };
  }

  async queryRange(query: string, window: QueryWindow): Promise<SeriesData | null> {
    const { metric, scenario } = this.parse(query);
    if (scenario === "none") return null;
    const values = seriesValues(metric, scenario);
    return { labels: {}, timestamps: timestamps(scenario, window, values.length), values };
  }

  async queryBuckets(selector: string, window: QueryWindow): Promise<BucketSeries | null> {
    const { scenario } = this.parse(selector);
    if (scenario === "none") return null;
    const length = scenario === "empty" ? 0 : scenario === "single" ? 1 : N;
    return { le: LE, timestamps: timestamps(scenario, window, length), counts: Array.from({ length }, (_, step) => bucketCounts(scenario, step)) };
  }
}

const series = (name: string, extra: Record<string, unknown>) => ({ name, source: "prometheus", query: 'lat{v="{{version}}"}', baselineQuery: 'lat{v="{{baselineVersion}}"}', ...extra });
const counts = (name: string, test: string) => ({ name, source: "prometheus", kind: "counts", test, errors: 'err{v="{{version}}"}', total: 'tot{v="{{version}}"}', baselineErrors: 'err{v="{{baselineVersion}}"}', baselineTotal: 'tot{v="{{baselineVersion}}"}' });
const histogram = (name: string, test: string) => ({ name, source: "prometheus", kind: "histogram", test, query: 'h_bucket{v="{{version}}"}', baselineQuery: 'h_bucket{v="{{baselineVersion}}"}' });

const CHECKS = [
  series("sequential-mean", { test: "sequential-mean" }),
  series("mann-whitney", { test: "mann-whitney" }),
  series("mann-whitney-kayenta", { test: "mann-whitney", mode: "kayenta" }),
  series("relative", { test: "relative", aggregate: "p95" }),
  series("threshold", { test: "threshold", max: 200, min: -1 }),
  counts("sequential-rate", "sequential-rate"),
  counts("rate-ratio", "rate-ratio"),
  histogram("sequential-quantile", "sequential-quantile"),
  histogram("sequential-distribution", "sequential-distribution"),
];

let clock = new Date("2026-03-01T12:00:00Z");
let t: TestApp;
const tally = new Map<string, number>();

beforeAll(async () => {
  t = await createTestApp({ sources: [new EdgeSource()], now: () => clock });
  const gate = { delay: "1m", interval: "1m", timeout: "1h", checks: CHECKS };
  const created = await t.request("PUT", "/v1/gates/edges", gate);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});
afterAll(async () => {
  console.log(`[edge-data] ${SCENARIOS.length} scenarios × 2 sides × ${CHECKS.length} tests × 2 evaluations; results ${[...tally].map(([result, count]) => `${result}×${count}`).join(" ")}`);
  await t?.close();
});

describe.each(SCENARIOS)("%s data", (scenario) => {
  it.each([
    ["canary", scenario, `${scenario}-base`],
    ["baseline", `${scenario}-canary`, scenario],
  ])("on the %s side gives every test a defined result with a summary", async (_, version, baselineVersion) => {
    const started = await t.request("POST", "/v1/rollouts", { gate: "edges", service: "shop", environment: "prod", version, baselineVersion, startedAt: clock.toISOString() });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    for (let round = 1; round <= 2; round += 1) {
      clock = new Date(clock.getTime() + 2 * 60_000);
      const verdict = await t.request("POST", `/v1/rollouts/${started.body.id}/evaluate`, undefined);
      expect(verdict.status, JSON.stringify(verdict.body)).toBe(200);
      if (verdict.body.evaluatedAt === null || verdict.body.checks.length === 0) break;
      for (const check of verdict.body.checks as Array<{ name: string; result: string; summary: string }>) {
        tally.set(check.result, (tally.get(check.result) ?? 0) + 1);
        const where = `${check.name} on ${version} vs ${baselineVersion}: ${check.summary}`;
        expect(["pass", "fail", "inconclusive", "nodata"], where).toContain(check.result);
        expect(check.summary.length, where).toBeGreaterThan(10);
        // Kayenta says "mean ratio undefined" when a mean is zero or overflows, as Kayenta does.
        expect(check.summary, where).not.toMatch(/NaN|could not be judged|\bnull\b|(?<!ratio )undefined/);
      }
      if (verdict.body.final) break;
    }
  });
});
