import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judgeMannWhitney } from "../../src/analysis/judge-mann-whitney.js";
import type { Direction } from "../../src/analysis/types.js";
import { lcgSample } from "./lcg-sample.js";

// Data and numbers from test/fixtures/refs/judge-mann-whitney.R (R 4.2.2): wilcox.test(canary, baseline,
// conf.int = TRUE, exact = FALSE, tol.root = 1e-10) as [lower, upper, estimate], and the one-sided p-values.
// The baseline median is 116.31109848912391, so the 5% band is ±5.8156.
const baseline = lcgSample(101, 61, "smooth", 100);
const scenarios = {
  // CI [12.59, 16.28], estimate 14.54: excludes 0 upwards and is past +5.82.
  up: { canary: lcgSample(102, 61, "smooth", 115), r: [12.586116282020498, 16.279242165099127, 14.541410440402203], greater: 2.1149472953124492e-21, less: 1 },
  // CI [−2.41, 1.28]: inside ±5.82.
  same: { canary: lcgSample(102, 61, "smooth", 100), r: [-2.4138837179795045, 1.2792421650991361, -0.45858955959779613], greater: 0.69926440046521576, less: 0.302520291405733 },
  // CI [3.32, 7.24], estimate 5.13: excludes 0, yet the estimate is inside the band and the upper end outside.
  slight: { canary: lcgSample(103, 41, "smooth", 104), r: [3.3152981760882754, 7.2391443863261928, 5.1297404678274878], greater: 5.6834704970785889e-7, less: 0.99999945094840426 },
  // CI [−17.41, −13.72], estimate −15.46.
  down: { canary: lcgSample(102, 61, "smooth", 85), r: [-17.413883717979516, -13.720757834900866, -15.458589559597797], greater: 1, less: 5.8598681421700507e-21 },
};
const expected: Record<keyof typeof scenarios, Record<Direction, string>> = {
  up: { increase: "fail", decrease: "pass", either: "fail" },
  same: { increase: "pass", decrease: "pass", either: "pass" },
  slight: { increase: "inconclusive", decrease: "pass", either: "inconclusive" },
  down: { increase: "pass", decrease: "fail", either: "fail" },
};

describe("judgeMannWhitney", () => {
  for (const [name, s] of Object.entries(scenarios)) {
    for (const direction of ["increase", "decrease", "either"] as const) {
      it(`${name}, ${direction}: ${expected[name as keyof typeof scenarios][direction]}`, () => {
        const j = judgeMannWhitney({ baseline, canary: s.canary, direction, tolerance: 0.05, confidence: 0.95 });
        expect(j.result).toBe(expected[name as keyof typeof scenarios][direction]);
        const [lower, upper, estimate] = s.r as [number, number, number];
        expect(j.interval?.lower).toBeCloseTo(lower, 8);
        expect(j.interval?.upper).toBeCloseTo(upper, 8);
        expect(j.interval?.estimate).toBeCloseTo(estimate, 8);
        expect(j.relativeChange).toBeCloseTo(estimate / 116.31109848912391, 8);
        expect(j.baseline?.median).toBeCloseTo(116.31109848912391, 10);
        const p = direction === "increase" ? s.greater : direction === "decrease" ? s.less : null;
        if (p !== null) expect(Math.abs((j.pValue as number) - p)).toBeLessThanOrEqual(1e-9 * p);
      });
    }
  }

  it("says what it found in one sentence", () => {
    const j = judgeMannWhitney({ baseline, canary: scenarios.up.canary, direction: "increase", tolerance: 0.05, confidence: 0.95, metric: "p99-latency" });
    expect(j.summary).toBe("p99-latency is 12.5% higher than the baseline (95% CI +10.8% to +14.0%), beyond the 5% tolerance for increases.");
    const slight = judgeMannWhitney({ baseline, canary: scenarios.slight.canary, direction: "either", tolerance: 0.05, confidence: 0.95 });
    expect(slight.summary).toBe("The canary is 4.4% higher than the baseline (95% CI +2.9% to +6.2%): not yet resolved against the 5% tolerance.");
  });

  it("is inconclusive, saying why, with too few points for the level or none on a side", () => {
    const few = judgeMannWhitney({ baseline: [100, 101], canary: [150, 151], direction: "increase", tolerance: 0.05, confidence: 0.95 });
    expect(few.result).toBe("inconclusive");
    expect(few.summary).toMatch(/too few points/);
    const none = judgeMannWhitney({ baseline: [Number.NaN], canary: [1, 2], direction: "increase", tolerance: 0.05, confidence: 0.95 });
    expect(none).toMatchObject({ result: "inconclusive", interval: null, pValue: null });
    expect(none.summary).toMatch(/baseline/);
  });

  it("a zero baseline median has no relative change; identical constant data passes", () => {
    const j = judgeMannWhitney({ baseline: Array(20).fill(0), canary: Array(20).fill(0), direction: "either", tolerance: 0.05, confidence: 0.95 });
    expect(j).toMatchObject({ result: "pass", relativeChange: null, pValue: 1, interval: { estimate: 0, lower: 0, upper: 0 } });
  });

  const sample = fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 40, size: "max" });
  const direction = fc.constantFrom("increase", "decrease", "either") as fc.Arbitrary<Direction>;

  it("swapping canary and baseline flips the sign of the interval", () => {
    fc.assert(
      fc.property(sample, sample, direction, (b, c, d) => {
        const forward = judgeMannWhitney({ baseline: b, canary: c, direction: d, tolerance: 0.05, confidence: 0.9 }).interval!;
        const backward = judgeMannWhitney({ baseline: c, canary: b, direction: d, tolerance: 0.05, confidence: 0.9 }).interval!;
        expect(-backward.estimate + 0).toBe(forward.estimate + 0);
        expect(-backward.upper + 0).toBe(forward.lower + 0);
        expect(-backward.lower + 0).toBe(forward.upper + 0);
      }),
    );
  });

  it("scaling both samples by c > 0 scales the interval and keeps relativeChange and the result", () => {
    // Powers of two scale doubles exactly, so the comparison can be exact too.
    fc.assert(
      fc.property(sample, sample, direction, fc.integer({ min: -20, max: 20 }), (b, c, d, power) => {
        const factor = 2 ** power;
        const input = { direction: d, tolerance: 0.05, confidence: 0.9 };
        const plain = judgeMannWhitney({ ...input, baseline: b, canary: c });
        const scaled = judgeMannWhitney({ ...input, baseline: b.map((v) => v * factor), canary: c.map((v) => v * factor) });
        expect(scaled.result).toBe(plain.result);
        expect(scaled.relativeChange).toBe(plain.relativeChange);
        expect(scaled.pValue).toBe(plain.pValue);
        expect(scaled.interval).toEqual({ estimate: plain.interval!.estimate * factor, lower: plain.interval!.lower * factor, upper: plain.interval!.upper * factor });
      }),
    );
  });
});
