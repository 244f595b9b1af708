import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AllObservationsTied, kayentaRankSumInterval, type KayentaInterval } from "../../../src/analysis/kayenta/rank-sum-interval.js";
import { zeroin } from "../../../src/analysis/kayenta/zeroin.js";
import { wilcoxonDiff } from "../../../src/analysis/stats/hodges-lehmann.js";
import { normalQuantile } from "../../../src/analysis/stats/normal.js";
import { kayentaVectors, type RankSumVector } from "./kayenta-vectors.js";

const vector = (id: string): RankSumVector => kayentaVectors.mannWhitney.find((c) => c.id === id) as RankSumVector;
const within = (actual: number, expected: number, tolerance: number): void => {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
};

describe("kayentaRankSumInterval: Kayenta MannWhitneySuite (shared/data/kayenta-test-vectors.json)", () => {
  it("has the 7 cases", () => {
    expect(kayentaVectors.mannWhitney).toHaveLength(7);
  });

  it("MW-U-01 W(μ) on 850-point arrays, within 1e-6", () => {
    const { x, y, expected, tolerance } = vector("MW-U-01");
    within(wilcoxonDiff(x as number[], y as number[], 0, 0), expected["wilcoxonDiff(mu=0,q=0)"] as number, tolerance as number);
    within(wilcoxonDiff(x as number[], y as number[], 5, 0), expected["wilcoxonDiff(mu=5,q=0)"] as number, tolerance as number);
  });

  it("MW-U-02 z quantile at 0.01, within 1e-6", () => {
    const { expected, tolerance } = vector("MW-U-02");
    within(normalQuantile(0.02 / 2), expected["inverseNormalCdf(0.02/2)"] as number, tolerance as number);
  });

  // CIs at 1e-6 (Kayenta's tolerance) hold because the port follows Kayenta's zeroin path step for step;
  // the estimate keeps the ½ continuity correction, which Kayenta's 1e-4 on R's estimate absorbs.
  it.each(["MW-U-03", "MW-U-04", "MW-U-05", "MW-U-06", "MW-U-07"])("%s CI and estimate at the suite's tolerances", (id) => {
    const { x_experiment, y_control, confLevel, expected, tolerance } = vector(id);
    const ci = typeof tolerance === "number" ? tolerance : tolerance.ci;
    const est = typeof tolerance === "number" ? tolerance : tolerance.estimate;
    const interval = kayentaRankSumInterval(x_experiment as number[], y_control as number[], confLevel as number);
    within(interval.lower, expected.ciLower as number, ci);
    within(interval.upper, expected.ciUpper as number, ci);
    within(interval.estimate, expected.estimate as number, est);
  });

  it("MW-U-07 intermediate values and the inverted interval, within 1e-6", () => {
    const { x_experiment, y_control, confLevel, expected: e } = vector("MW-U-07");
    const [x, y] = [x_experiment as number[], y_control as number[]];
    const interval = kayentaRankSumInterval(x, y, confLevel as number);
    within(interval.muMin, e.muMin as number, 1e-6);
    within(interval.muMax, e.muMax as number, 1e-6);
    within(-normalQuantile(0.025), e.zqLower as number, 1e-6);
    within(wilcoxonDiff(x, y, interval.muMin, e.zqLower as number), e["wilcoxonDiff(muMin, zqLower)"] as number, 1e-6);
    within(wilcoxonDiff(x, y, interval.muMax, e.zqLower as number), e["wilcoxonDiff(muMax, zqLower)"] as number, 1e-6);
    within(wilcoxonDiff(x, y, interval.muMin, e.zqUpper as number), e["wilcoxonDiff(muMin, zqUpper)"] as number, 1e-6);
    within(wilcoxonDiff(x, y, interval.muMax, e.zqUpper as number), e["wilcoxonDiff(muMax, zqUpper)"] as number, 1e-6);
    expect(interval.lower).toBeGreaterThan(interval.upper);
  });
});

describe("kayentaRankSumInterval: other Kayenta numbers", () => {
  // The internals a user printed from Kayenta in spinnaker/spinnaker#6278 (research/kayenta.md §4.7).
  it("spinnaker/spinnaker#6278: CI [6.825e-5, 99], estimate 98.99993", () => {
    const experiment = [100, 100, 100, 100, 100, 100, 100, 1, 1, 1];
    const interval = kayentaRankSumInterval(experiment, Array<number>(10).fill(1), 0.98);
    within(interval.lower, 6.825022991538781e-5, 1e-12);
    within(interval.upper, 99.0, 1e-12);
    within(interval.estimate, 98.99992904170193, 1e-9);
  });

  it("throws AllObservationsTied when W has no variance", () => {
    expect(() => kayentaRankSumInterval([2], [1], 0.95)).toThrow(AllObservationsTied);
  });
});

describe("kayentaRankSumInterval: the same numbers as W taken from the plain merge at every μ", () => {
  // The straightforward algorithm: each W(μ) ranks x − μ with y afresh (wilcoxonDiff), Kayenta's root rules.
  const straightforward = (x: number[], y: number[], confLevel: number) => {
    const lowest = (v: number[]): number => v.reduce((m, a) => (a < m ? a : m), Infinity);
    const highest = (v: number[]): number => v.reduce((m, a) => (a > m ? a : m), -Infinity);
    const [muMin, muMax] = [lowest(x) - highest(y), highest(x) - lowest(y)];
    const w = (mu: number, q: number): number => {
      const value = wilcoxonDiff(x, y, mu, q);
      if (Number.isNaN(value)) throw new AllObservationsTied();
      return value;
    };
    const root = (q: number): number => {
      const [atMin, atMax] = [w(muMin, q), w(muMax, q)];
      if (atMin <= 0) return muMin;
      if (atMax >= 0) return muMax;
      return zeroin((mu) => w(mu, q), muMin, muMax, atMin, atMax);
    };
    const z = normalQuantile((1 - confLevel) / 2);
    const [lower, upper] = [root(-z), root(z)];
    return { estimate: zeroin((mu) => w(mu, 0), muMin, muMax, w(muMin, 0), w(muMax, 0)), lower, upper, muMin, muMax };
  };
  const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(0, -0, 0.1, 0.2, 0.3));
  const sample = fc.array(value, { minLength: 1, maxLength: 80 });

  it("on random data, ties included, to the bit", () => {
    fc.assert(
      fc.property(sample, sample, fc.constantFrom(0.9, 0.95, 0.98), (x, y, confLevel) => {
        // Either both give the same numbers, or both find σ = 0 (every pooled value tied at some μ).
        const outcome = (interval: () => KayentaInterval): KayentaInterval | "tied" => {
          try {
            return interval();
          } catch (error) {
            if (error instanceof AllObservationsTied) return "tied";
            throw error;
          }
        };
        const expected = outcome(() => straightforward(x, y, confLevel));
        const actual = outcome(() => kayentaRankSumInterval(x, y, confLevel));
        if (expected === "tied" || actual === "tied") expect(actual).toBe(expected);
        else for (const key of ["estimate", "lower", "upper", "muMin", "muMax"] as const) expect(Object.is(actual[key], expected[key]), key).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("zeroin (R's zeroin as Kayenta's brentDirect)", () => {
  it("returns an endpoint whose value is exactly zero", () => {
    expect(zeroin((x) => x, 0, 1, 0, 1)).toBe(0);
    expect(zeroin((x) => x - 1, 0, 1, -1, 0)).toBe(1);
  });

  it("stops within tol of a smooth root", () => {
    within(zeroin((x) => x * x - 2, 0, 2, -2, 2), Math.SQRT2, 1e-4);
    within(zeroin((x) => Math.cos(x) - x, 0, 1, 1, Math.cos(1) - 1, 1e-12), 0.7390851332151607, 1e-12);
  });
});
