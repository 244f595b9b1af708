import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { expectProblem } from "../helpers/problem.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

// research/sequential-stats.md §6: x is the canary, y the baseline.
const canary = [1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 5, 7.5, 2.5, 3];
const baseline = [1, 1.5, 1.5, 2, 2, 2.5, 2.5, 3, 2, 1.5, 4.5, 2];

describe("POST /v1/analyze", () => {
  it("matches SciPy's Mann-Whitney p-values and R's Hodges-Lehmann interval", async () => {
    const increase = await t.request("POST", "/v1/analyze", { test: "mann-whitney", baseline, canary, direction: "increase", tolerance: 0.05 });
    expect(increase.status).toBe(200);
    // SciPy mannwhitneyu(x, y, alternative="greater", method="asymptotic"), research §6.
    expect(increase.body.pValue).toBeCloseTo(0.0140344913519, 10);
    // R 4.2.2: wilcox.test(x, y, conf.int=TRUE, conf.level=0.95, exact=FALSE, correct=TRUE).
    expect(increase.body.interval.estimate).toBeCloseTo(0.9999761266, 3);
    expect(increase.body.interval.lower).toBeCloseTo(0.0000137608, 3);
    expect(increase.body.interval.upper).toBeCloseTo(1.9999478283, 3);
    // The 95% interval touches zero (R's lower end is 1.4e-5, inside its 1e-4 root tolerance): no verdict
    // should hang on that, so only the summaries are checked here and the result at 90% below.
    expect(increase.body).toMatchObject({ baseline: { n: 12, median: 2 }, canary: { n: 12, median: 3 } });
    const either = await t.request("POST", "/v1/analyze", { baseline, canary, direction: "either" });
    expect(either.body.pValue).toBeCloseTo(0.0280689827037, 10);
    const decrease = await t.request("POST", "/v1/analyze", { baseline, canary, direction: "decrease" });
    expect(decrease.body.pValue).toBeCloseTo(0.98792986594, 10);
    // When only a decrease is bad, an interval that lies at or above zero is inside the tolerated band.
    expect(decrease.body.result).toBe("pass");
    const narrower = await t.request("POST", "/v1/analyze", { baseline, canary, direction: "either", confidence: 0.9 });
    expect(narrower.body.result).toBe("fail");
    expect(narrower.body.interval.lower).toBeCloseTo(0.4999986418, 3);
    expect(narrower.body.interval.upper).toBeCloseTo(1.5000882626, 3);
  });

  it("passes identical samples well inside the tolerance", async () => {
    const steady = Array.from({ length: 40 }, (_, i) => 100 + (i % 5) - 2);
    const response = await t.request("POST", "/v1/analyze", { baseline: steady, canary: steady, tolerance: 0.05 });
    expect(response.body).toMatchObject({ result: "pass", interval: { estimate: 0 } });
  });

  it("judges relative and threshold tests", async () => {
    const relative = await t.request("POST", "/v1/analyze", { test: "relative", aggregate: "median", baseline: [10, 10, 10], canary: [11, 11, 11], tolerance: 0.05 });
    expect(relative.body).toMatchObject({ result: "fail", pValue: null, interval: null });
    expect(relative.body.relativeChange).toBeCloseTo(0.1, 12);
    const threshold = await t.request("POST", "/v1/analyze", { test: "threshold", aggregate: "max", baseline: [1], canary: [0.2, 0.4], max: 0.5 });
    expect(threshold.body.result).toBe("pass");
  });

  it("answers bad input with 400 problems naming the field", async () => {
    const cases: Array<[unknown, string]> = [
      [{ baseline: [], canary: [1] }, "body.baseline"],
      [{ baseline: [1], canary: ["x"] }, "body.canary.0"],
      [{ baseline: [1], canary: [1], test: "t-test" }, "body.test"],
      [{ baseline: [1], canary: [1], confidence: 1.5 }, "body.confidence"],
      [{ baseline: [1], canary: [1], extra: true }, "body"],
      [{ baseline: [1], canary: [1], test: "threshold" }, "body.max"],
      [{ canary: [1] }, "body.baseline"],
    ];
    for (const [body, path] of cases) {
      const response = await t.request("POST", "/v1/analyze", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expectProblem(await t.request("POST", "/v1/analyze", "{\"baseline\": [1e999]}"), 400, "/problems/validation");
    expectProblem(await t.request("POST", "/v1/analyze", "nope"), 400, "/problems/malformed-json");
  });
});

describe("POST /v1/analyze with too few points", () => {
  it("answers an unbounded interval end as null and the result as inconclusive", async () => {
    const response = await t.request("POST", "/v1/analyze", { baseline: [1, 2], canary: [3, 4], confidence: 0.95 });
    expect(response.status).toBe(200);
    expect(response.body.result).toBe("inconclusive");
    expect(response.body.interval.lower).toBeNull();
    expect(response.body.interval.upper).toBeNull();
    expect(response.body.summary).toContain("too few points");
  });
});

describe("POST /v1/analyze with Kayenta's classifier and the sequential mean test", () => {
  const vectors = JSON.parse(readFileSync(new URL("../../../shared/data/kayenta-test-vectors.json", import.meta.url), "utf8")) as {
    classifier: Array<{ id: string; experiment: number[]; control: number[]; params: { tolerance: number; confLevel: number; direction: "either" | "increase" | "decrease" }; expected: { classification: string } }>;
  };

  it("classifies Kayenta's own vectors as Kayenta does (MW-CLS-01, -02, -06)", async () => {
    const expected: Record<string, string> = { "MW-CLS-01": "pass", "MW-CLS-02": "fail", "MW-CLS-06": "fail" };
    for (const [id, result] of Object.entries(expected)) {
      const vector = vectors.classifier.find((item) => item.id === id);
      if (!vector) throw new Error(`vector ${id} is missing`);
      const response = await t.request("POST", "/v1/analyze", {
        test: "mann-whitney",
        mode: "kayenta",
        kayenta: { tolerance: vector.params.tolerance, confidence: vector.params.confLevel },
        direction: vector.params.direction,
        baseline: vector.control,
        canary: vector.experiment,
      });
      expect(response.status).toBe(200);
      expect(response.body.result, id).toBe(result);
      expect(response.body.summary).toMatch(/^Kayenta: /);
    }
  });

  it("judges sequential-mean with the canary taken in order", async () => {
    const steady = Array.from({ length: 40 }, (_, i) => 100 * (1 + 0.01 * Math.sin(i)));
    const slower = steady.map((value) => value * 1.2);
    const fail = await t.request("POST", "/v1/analyze", { test: "sequential-mean", baseline: steady, canary: slower, tolerance: 0.05 });
    expect(fail.body).toMatchObject({ result: "fail" });
    expect(fail.body.relativeChange).toBeCloseTo(0.2, 6);
    expect(fail.body.eValue).toBeGreaterThan(20);
    const pass = await t.request("POST", "/v1/analyze", { test: "sequential-mean", baseline: steady, canary: steady, tolerance: 0.05 });
    expect(pass.body).toMatchObject({ result: "pass", relativeChange: 0 });
  });

  it("rejects Kayenta settings on other tests and unknown Kayenta settings", async () => {
    expectProblem(await t.request("POST", "/v1/analyze", { test: "relative", mode: "kayenta", baseline: [1], canary: [1] }), 400, "/problems/invalid-input");
    const unknown = await t.request("POST", "/v1/analyze", { mode: "kayenta", kayenta: { tolerence: 0.1 }, baseline: [1], canary: [1] });
    expectProblem(unknown, 400, "/problems/invalid-input");
    expect(unknown.body.errors[0].path).toBe("body.kayenta");
  });
});
