import { describe, expect, it } from "vitest";
import { judgeRelative } from "../../src/analysis/judge-relative.js";

// Aggregates from test/fixtures/refs/summary.py (NumPy 2.4.6): baseline mean 100, p95 103.55;
// canary mean 106 (+6%), p95 109.55 (+5.794%).
const baseline = [100, 102, 98, 101, 99, 103, 97, 100, 104, 96];
const canary = [106, 108, 104, 107, 105, 109, 103, 106, 110, 102];

describe("judgeRelative", () => {
  it.each([
    ["increase", 0.05, "fail"],
    ["either", 0.05, "fail"],
    ["decrease", 0.05, "pass"],
    ["increase", 0.1, "pass"],
  ] as const)("mean +6%%, %s with tolerance %d: %s", (direction, tolerance, result) => {
    const j = judgeRelative({ baseline, canary, direction, tolerance, aggregate: "mean" });
    expect(j.result).toBe(result);
    expect(j.relativeChange).toBeCloseTo(0.06, 12);
    expect(j).toMatchObject({ pValue: null, interval: null, baseline: { n: 10, mean: 100 }, canary: { n: 10, mean: 106 } });
  });

  it("a drop is judged on the decrease side: the baseline 5.66% below the canary's", () => {
    expect(judgeRelative({ baseline: canary, canary: baseline, direction: "decrease", tolerance: 0.05, aggregate: "mean" }).result).toBe("fail");
    expect(judgeRelative({ baseline: canary, canary: baseline, direction: "increase", tolerance: 0.05, aggregate: "mean" }).result).toBe("pass");
  });

  it("compares the chosen percentile", () => {
    const j = judgeRelative({ baseline, canary, direction: "increase", tolerance: 0.05, aggregate: "p95", metric: "latency" });
    expect(j.relativeChange).toBeCloseTo((109.55 - 103.55) / 103.55, 12);
    expect(j.summary).toBe("latency (p95) is 5.8% higher than the baseline (110 vs 104), beyond the 5% tolerance for increases.");
  });

  it("a zero baseline: no relative change, and any move in the bad direction fails", () => {
    expect(judgeRelative({ baseline: [0, 0], canary: [0, 0], direction: "either", tolerance: 0.05, aggregate: "mean" })).toMatchObject({ result: "pass", relativeChange: 0 });
    expect(judgeRelative({ baseline: [0, 0], canary: [1, 1], direction: "increase", tolerance: 0.05, aggregate: "mean" })).toMatchObject({ result: "fail", relativeChange: null });
    expect(judgeRelative({ baseline: [0, 0], canary: [1, 1], direction: "decrease", tolerance: 0.05, aggregate: "mean" })).toMatchObject({ result: "pass", relativeChange: null });
  });

  it("is inconclusive without a point on each side", () => {
    expect(judgeRelative({ baseline: [], canary: [1], direction: "increase", tolerance: 0.05, aggregate: "mean" }).result).toBe("inconclusive");
  });
});
