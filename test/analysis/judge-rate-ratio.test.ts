import { describe, expect, it } from "vitest";
import { judgeRateRatio } from "../../src/analysis/judge-rate-ratio.js";
import type { Direction } from "../../src/analysis/types.js";

// Intervals from test/fixtures/refs/poisson-test.R (R 4.2.2 poisson.test, two-sided), canary first:
//   30/1000 vs 10/1000 at 95%:        ratio 3,     CI [1.4274, 6.8793]
//   4000/2e6 vs 3800/2e6 at 95%:      ratio 1.053, CI [1.00667, 1.10071]
//   0/1e4 vs 50/1e4 at 95%:           ratio 0,     CI [0, 0.07657]
//   1/10 vs 1/10 at 95%:              ratio 1,     CI [0.01274, 78.497]
const cases: Array<{ name: string; canary: [number, number]; baseline: [number, number]; tolerance: number; expected: Record<Direction, string> }> = [
  { name: "3× the errors", canary: [30, 1000], baseline: [10, 1000], tolerance: 0.1, expected: { increase: "fail", decrease: "pass", either: "fail" } },
  // Excludes 1, but 1.053 is inside 1.1 while the upper end, 1.1007, is just outside it.
  { name: "5% more errors, 10% tolerance", canary: [4000, 2e6], baseline: [3800, 2e6], tolerance: 0.1, expected: { increase: "inconclusive", decrease: "pass", either: "inconclusive" } },
  { name: "5% more errors, 20% tolerance", canary: [4000, 2e6], baseline: [3800, 2e6], tolerance: 0.2, expected: { increase: "pass", decrease: "pass", either: "pass" } },
  { name: "no canary errors against 50", canary: [0, 1e4], baseline: [50, 1e4], tolerance: 0.1, expected: { increase: "pass", decrease: "fail", either: "fail" } },
  { name: "one error each in little traffic", canary: [1, 10], baseline: [1, 10], tolerance: 0.1, expected: { increase: "inconclusive", decrease: "inconclusive", either: "inconclusive" } },
];

describe("judgeRateRatio", () => {
  for (const c of cases) {
    for (const direction of ["increase", "decrease", "either"] as const) {
      it(`${c.name}, ${direction}: ${c.expected[direction]}`, () => {
        const j = judgeRateRatio({
          canary: { errors: c.canary[0], total: c.canary[1] },
          baseline: { errors: c.baseline[0], total: c.baseline[1] },
          direction,
          tolerance: c.tolerance,
          confidence: 0.95,
        });
        expect(j.result).toBe(c.expected[direction]);
      });
    }
  }

  it("reports the ratio, R's interval and the one-sided p-value (poisson.test greater: 0.0011107168866146837)", () => {
    const j = judgeRateRatio({ canary: { errors: 30, total: 1000 }, baseline: { errors: 10, total: 1000 }, direction: "increase", tolerance: 0.1, confidence: 0.95 });
    expect(j.interval?.estimate).toBe(3);
    expect(j.interval?.lower).toBeCloseTo(1.4274084701515846, 10);
    expect(j.interval?.upper).toBeCloseTo(6.8793017710183255, 10);
    expect(j.pValue).toBeCloseTo(0.0011107168866146837, 14);
    expect(j.relativeChange).toBe(2);
    expect(j.summary).toBe("The canary's error rate is 3× the baseline's (30/1000 = 3% vs 10/1000 = 1%; 95% CI 1.43× to 6.88×), beyond the 10% tolerance for increases.");
  });

  it("no errors on either side passes: there is no error-rate regression to see", () => {
    const j = judgeRateRatio({ canary: { errors: 0, total: 1e7 }, baseline: { errors: 0, total: 1e7 }, direction: "increase", tolerance: 0.5, confidence: 0.95 });
    expect(j).toMatchObject({ result: "pass", interval: null, relativeChange: null, pValue: 1 });
    expect(j.summary).toMatch(/^No errors in the canary or the baseline/);
    const some = judgeRateRatio({ canary: { errors: 4, total: 1e4 }, baseline: { errors: 0, total: 1e4 }, direction: "increase", tolerance: 0.5, confidence: 0.95 });
    expect(some.result).toBe("inconclusive");
  });

  it("no requests on a side is inconclusive and says which", () => {
    const j = judgeRateRatio({ canary: { errors: 0, total: 0 }, baseline: { errors: 3, total: 100 }, direction: "increase", tolerance: 0.1, confidence: 0.95 });
    expect(j).toMatchObject({ result: "inconclusive", interval: null, pValue: null });
    expect(j.summary).toBe("No requests on the canary side yet, so there is nothing to judge.");
  });

  it("rounds extrapolated counts to whole events (Prometheus increase())", () => {
    const j = judgeRateRatio({ canary: { errors: 29.6, total: 1000 }, baseline: { errors: 10.2, total: 1000 }, direction: "increase", tolerance: 0.1, confidence: 0.95 });
    expect(j.interval?.estimate).toBe(3);
  });
});
