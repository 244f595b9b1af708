import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  initSequentialDistribution,
  judgeSequentialDistribution,
  updateSequentialDistribution,
  type SequentialDistributionParams,
} from "../../../src/analysis/sequential/sequential-distribution.js";
import { bucketize, monteCarloCeiling, mulberry32, rate, type Random } from "./prng.js";

const params: SequentialDistributionParams = { direction: "increase", tolerance: 0.05, alpha: 0.05 };
const le = [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, Infinity];

function latencies(random: Random, n: number, slowShare = 0): number[] {
  return Array.from({ length: n }, () => 0.1 * Math.exp(0.5 * random.normal()) * (random.uniform() < slowShare ? 5 : 1));
}

function everFails(p: SequentialDistributionParams, seed: number, slowShare: number, polls: number): boolean {
  const random = mulberry32(seed);
  let state = initSequentialDistribution(p, bucketize(le, latencies(random, 20_000)));
  for (let i = 0; i < polls; i++) {
    state = updateSequentialDistribution(state, [bucketize(le, latencies(random, 250, slowShare))]);
    if (judgeSequentialDistribution(state).result === "fail") return true;
  }
  return false;
}

const baseline = { le: [0.05, 0.1, 0.25, 0.5, 1, Infinity], counts: [4000, 7000, 9300, 9900, 9990, 10000] };

describe("sequential-distribution against refs.py (one look)", () => {
  it("largest CDF gap with the fixed DKW band for the baseline and the time-uniform band for the canary", () => {
    const canary = { le: baseline.le, counts: [1200, 2400, 3400, 3800, 3960, 4000] };
    const judgement = judgeSequentialDistribution(updateSequentialDistribution(initSequentialDistribution(params, baseline), [canary]));
    // test/fixtures/refs/sequential/refs.py, SciPy 1.17.1
    expect(judgement.interval.estimate).toBeCloseTo(0.1, 14);
    expect(judgement.interval.lower).toBeCloseTo(0.040444272461805555, 12);
    expect(judgement.interval.upper).toBeCloseTo(0.15955572753819453, 12);
    expect(judgement.pValue / 1.557160606702113e-9).toBeCloseTo(1, 6);
    expect(judgement.result).toBe("fail");
    expect(judgement.summary).toContain("10.0% of canary requests sit in slower buckets than the baseline's at le=0.05 (95% anytime interval 4.0% to 16.0%");
  });

  it("an unchanged canary passes once the band is inside the tolerance", () => {
    const canary = { le: baseline.le, counts: baseline.counts.map((count) => count * 4) };
    expect(judgeSequentialDistribution(updateSequentialDistribution(initSequentialDistribution(params, baseline), [canary])).result).toBe("pass");
  });
});

describe("sequential-distribution error rates (seeded simulations)", () => {
  const runs = 500;
  it.each(["increase", "either"] as const)("A/A (%s, tolerance 0): 20k baseline requests, 40 polls of 250: halt rate ≤ α + 3 SE", (direction) => {
    const fails = Array.from({ length: runs }, (_, i) => everFails({ ...params, direction, tolerance: 0 }, 21_000 + i, 0, 40));
    expect(rate(fails)).toBeLessThanOrEqual(monteCarloCeiling(0.05, runs));
  });

  it("power: 10% of canary requests 5× slower is caught in ≥ 90% of runs within 40 polls", () => {
    const fails = Array.from({ length: 300 }, (_, i) => everFails(params, 23_000 + i, 0.1, 40));
    expect(rate(fails)).toBeGreaterThanOrEqual(0.9);
  });
});

const canarySteps = fc.array(
  fc.array(fc.array(fc.nat(300), { minLength: 6, maxLength: 6 }), { maxLength: 5 }).map((steps) =>
    steps.map((buckets) => ({ le: baseline.le, counts: buckets.map((_, i) => buckets.slice(0, i + 1).reduce((a, b) => a + b, 0)) })),
  ),
  { minLength: 1, maxLength: 5 },
);
const direction = fc.constantFrom("increase", "decrease", "either") as fc.Arbitrary<SequentialDistributionParams["direction"]>;

describe("sequential-distribution properties", () => {
  it("the p-value never rises, once fail stays fail, several updates equal one, and the state is JSON", () => {
    fc.assert(
      fc.property(canarySteps, direction, (polls, d) => {
        const start = initSequentialDistribution({ ...params, direction: d }, baseline);
        let state = start;
        let previous = judgeSequentialDistribution(state);
        for (const poll of polls) {
          const current = judgeSequentialDistribution((state = updateSequentialDistribution(state, poll)));
          expect(current.pValue).toBeLessThanOrEqual(previous.pValue);
          if (previous.result === "fail") expect(current.result).toBe("fail");
          previous = current;
        }
        expect(updateSequentialDistribution(start, polls.flat())).toEqual(state);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      { numRuns: 60 },
    );
  });
});
