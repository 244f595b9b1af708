import { describe, expect, it } from "vitest";
import { judgeThreshold } from "../../src/analysis/judge-threshold.js";

// Aggregates from test/fixtures/refs/summary.py (NumPy 2.4.6): p95 109.55, max 110, min 102.
const canary = [106, 108, 104, 107, 105, 109, 103, 106, 110, 102];

describe("judgeThreshold", () => {
  it.each([
    [{ max: 109 }, "fail", "The canary's p95 is 110, above the maximum of 109."],
    [{ max: 110 }, "pass", "The canary's p95 is 110, at or below the maximum of 110."],
    [{ min: 110 }, "fail", "The canary's p95 is 110, below the minimum of 110."],
    [{ min: 100 }, "pass", "The canary's p95 is 110, at or above the minimum of 100."],
    [{ min: 100, max: 120 }, "pass", "The canary's p95 is 110, within 100 to 120."],
  ] as const)("p95 109.55 with %j: %s", (bounds, result, summary) => {
    const j = judgeThreshold({ canary, aggregate: "p95", ...bounds });
    expect(j).toMatchObject({ result, summary, baseline: null, interval: null, pValue: null, relativeChange: null });
    expect(j.canary?.p95).toBeCloseTo(109.55, 12);
  });

  it("the bound itself passes (max of the sample = 110)", () => {
    expect(judgeThreshold({ canary, aggregate: "max", max: 110 }).result).toBe("pass");
    expect(judgeThreshold({ canary, aggregate: "min", min: 102 }).result).toBe("pass");
  });

  it("is inconclusive without canary points or without any bound", () => {
    expect(judgeThreshold({ canary: [], aggregate: "mean", max: 1 }).summary).toBe("No values on the canary side yet, so there is nothing to judge.");
    expect(judgeThreshold({ canary, aggregate: "mean" }).result).toBe("inconclusive");
  });
});
