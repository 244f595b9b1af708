import { describe, expect, it } from "vitest";
import { parseDuration, formatDuration } from "../../src/analysis/duration.js";
import { checkAlpha, GateDefinition, gateTiming } from "../../src/analysis/gate.js";
import { findTemplateProblem, renderTemplate } from "../../src/analysis/template.js";
import { loadGateFiles } from "../../src/gates/load-gate-files.js";
import { parseGateYaml, validateGate } from "../../src/gates/parse-gate.js";

const PROMETHEUS = [{ name: "prometheus", type: "prometheus" }];
const minimal = { checks: [{ name: "p99", source: "prometheus", query: 'p99{service="{{service}}"}' }] };

describe("durations", () => {
  it("reads Prometheus-style durations and rejects anything else", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("0s")).toBe(0);
    for (const bad of ["", "5", "5 m", "-1m", "1y", "m5", "1m 2s"]) expect(parseDuration(bad)).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe("1h30m");
  });
});

describe("gate definition", () => {
  it("applies the documented defaults", () => {
    const gate = GateDefinition.parse(minimal);
    expect(gate).toMatchObject({ delay: "1m", interval: "1m", timeout: "1h", steadyFor: "0s", failureLimit: 0, onNoData: "fail", onError: "fail", errorBudget: "bonferroni", scoring: { pass: 95, marginal: 75 } });
    expect(gate.checks[0]).toMatchObject({ type: "metric", kind: "series", test: "sequential-mean", direction: "increase", tolerance: 0.05, confidence: 0.95, critical: false, weight: 1, step: "1m", baseline: { window: "30m", mode: "pre-deployment" } });
    expect(gateTiming(gate)).toEqual({ delayMs: 60_000, intervalMs: 60_000, timeoutMs: 3_600_000, steadyForMs: 0, errorRetryMs: 10_000, durationMs: null });
    expect(gate).toMatchObject({ consecutiveErrorLimit: 4, errorRetryInterval: "10s", dryRun: false });
    expect(gate).not.toHaveProperty("duration");
    expect(gate.checks[0]).toMatchObject({ dryRun: false });
  });

  it("names the bad field", () => {
    const cases: Array<[unknown, string]> = [
      [{ ...minimal, delay: "soon" }, "delay"],
      [{ ...minimal, onNoData: "maybe" }, "onNoData"],
      [{ checks: [] }, "checks"],
      [{ checks: [{ ...minimal.checks[0], test: "t-test" }] }, "checks.0.test"],
      [{ checks: [{ ...minimal.checks[0], tolerance: "5%" }] }, "checks.0.tolerance"],
      [{ checks: [{ ...minimal.checks[0], query: "x{{nope}}" }] }, "checks.0.query"],
      [{ checks: [{ ...minimal.checks[0], test: "threshold" }] }, "checks.0.max"],
      [{ checks: [{ name: "e", source: "prometheus", kind: "counts", errors: "e" }] }, "checks.0.total"],
      [{ checks: [minimal.checks[0], minimal.checks[0]] }, "checks.1.name"],
      [{ ...minimal, extra: 1 }, ""],
    ];
    for (const [raw, path] of cases) {
      const result = validateGate(raw, PROMETHEUS);
      expect(result.ok, JSON.stringify(raw)).toBe(false);
      if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain(path);
    }
  });

  it("rejects unknown sources and names the ones that exist", () => {
    const result = validateGate({ checks: [{ ...minimal.checks[0], source: "promethus" }] }, PROMETHEUS);
    expect(result).toEqual({ ok: false, issues: [{ path: "checks.0.source", message: 'unknown source "promethus" (known: "prometheus")' }] });
  });

  it("points YAML issues at their line", () => {
    const yaml = ["delay: 1m", "checks:", "  - name: p99", "    source: prometheus", "    query: up", "    direction: sideways", ""].join("\n");
    const result = parseGateYaml(yaml, PROMETHEUS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatchObject({ path: "checks.0.direction", line: 6 });
    const broken = parseGateYaml("checks: [\n", PROMETHEUS);
    expect(broken.ok).toBe(false);
  });
});

describe("query templates", () => {
  const context = { service: "checkout", environment: "prod", version: "v2", baselineVersion: "v1", labels: { region: "eu-1" } };

  it("fills every variable", () => {
    expect(renderTemplate('x{service="{{service}}",env="{{ environment }}",v="{{version}}",b="{{baselineVersion}}",r="{{labels.region}}"}', context)).toBe(
      'x{service="checkout",env="prod",v="v2",b="v1",r="eu-1"}',
    );
  });

  it("reports unknown variables and unbalanced braces", () => {
    expect(findTemplateProblem("{{services}}")).toMatch(/unknown template variable \{\{services\}\}/);
    expect(findTemplateProblem("a{{service}")).toMatch(/unbalanced/);
    expect(findTemplateProblem('sum(rate(x{a="{{labels.zone}}"}[5m]))')).toBeUndefined();
  });
});

const metricChecks = (gate: GateDefinition) => gate.checks.flatMap((check) => (check.type === "metric" ? [check] : []));

describe("issue-3 gate fields", () => {
  const histogram = { name: "tail", source: "prometheus", kind: "histogram", query: 'h_bucket{service="{{service}}"}' };
  const counts = { name: "errors", source: "prometheus", kind: "counts", errors: "e", total: "t" };

  it("defaults to the anytime-valid test of each kind", () => {
    const gate = GateDefinition.parse({ checks: [minimal.checks[0], counts, histogram] });
    expect(gate.checks.map((check) => (check.type === "metric" ? check.test : check.type))).toEqual(["sequential-mean", "sequential-rate", "sequential-quantile"]);
    expect(gate.checks[2]).toMatchObject({ quantile: 0.99 });
  });

  it("splits the error budget across checks that spend it, unless the gate says none", () => {
    const threshold = { ...minimal.checks[0], name: "t", test: "threshold", max: 1 };
    const gate = GateDefinition.parse({ checks: [minimal.checks[0], counts, histogram, threshold] });
    // Three checks spend the budget; the threshold check has no error rate and takes none of it.
    for (const check of metricChecks(gate)) expect(checkAlpha(gate, check)).toBeCloseTo(0.05 / 3, 15);
    const unsplit = GateDefinition.parse({ errorBudget: "none", checks: [minimal.checks[0], counts] });
    for (const check of metricChecks(unsplit)) expect(checkAlpha(unsplit, check)).toBeCloseTo(0.05, 15);
    const kayenta = GateDefinition.parse({ checks: [{ ...minimal.checks[0], test: "mann-whitney", mode: "kayenta" }, counts] });
    expect(checkAlpha(kayenta, metricChecks(kayenta)[1]!)).toBeCloseTo(0.05, 12);
  });

  it("names the bad field of the new settings", () => {
    const cases: Array<[unknown, string]> = [
      [{ checks: [{ ...histogram, test: "mann-whitney" }] }, "checks.0.test"],
      [{ checks: [{ ...histogram, quantile: 1.5 }] }, "checks.0.quantile"],
      [{ checks: [{ ...minimal.checks[0], mode: "kayenta" }] }, "checks.0.mode"],
      [{ checks: [{ ...minimal.checks[0], test: "mann-whitney", mode: "kayenta", kayenta: { confidence: 2 } }] }, "checks.0.kayenta.confidence"],
      [{ checks: [{ ...counts, baseline: { mode: "concurrent" } }] }, "checks.0.baseline.canaryShare"],
      [{ checks: [{ ...minimal.checks[0], baseline: { mode: "concurrent" } }] }, "checks.0.baseline.mode"],
      [{ ...minimal, errorBudget: "holm" }, "errorBudget"],
      [{ ...minimal, scoring: { pass: 50, marginal: 80 } }, "scoring.marginal"],
    ];
    for (const [raw, path] of cases) {
      const result = validateGate(raw, PROMETHEUS);
      expect(result.ok, JSON.stringify(raw)).toBe(false);
      if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain(path);
    }
    expect(validateGate({ checks: [{ ...counts, baseline: { mode: "concurrent", canaryShare: 0.1 } }] }, PROMETHEUS).ok).toBe(true);
  });
});

describe("the example gates in gates/", () => {
  it("all load with a prometheus source", () => {
    const files = loadGateFiles(new URL("../../gates", import.meta.url).pathname, PROMETHEUS);
    expect(files.map((file) => file.name).sort()).toEqual(["kayenta-parity", "web-latency-errors"]);
  });
});
