import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initSequentialQuantile, judgeSequentialQuantile, updateSequentialQuantile, type SequentialQuantileParams } from "../../../src/analysis/sequential/sequential-quantile.js";
import { bucketize, monteCarloCeiling, mulberry32, rate, type Random } from "./prng.js";

const params: SequentialQuantileParams = { direction: "increase", tolerance: 0.1, alpha: 0.05, quantile: 0.99 };
const le = [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, Infinity];

/** Latencies around 100 ms (log-normal, σ = 0.5); a `slowShare` of them five times slower. */
function latencies(random: Random, n: number, slowShare = 0): number[] {
  return Array.from({ length: n }, () => 0.1 * Math.exp(0.5 * random.normal()) * (random.uniform() < slowShare ? 5 : 1));
}

/** 20 000 baseline requests, then polls of 250 canary requests; whether the rollout ever fails. */
function everFails(p: SequentialQuantileParams, seed: number, slowShare: number, polls: number): boolean {
  const random = mulberry32(seed);
  let state = initSequentialQuantile(p, bucketize(le, latencies(random, 20_000)));
  for (let i = 0; i < polls; i++) {
    state = updateSequentialQuantile(state, [bucketize(le, latencies(random, 250, slowShare))]);
    if (judgeSequentialQuantile(state).result === "fail") return true;
  }
  return false;
}

const baseline = { le: [0.05, 0.1, 0.25, 0.5, 1, Infinity], counts: [4000, 7000, 9300, 9900, 9990, 10000] };

describe("sequential-quantile against refs.py (one look)", () => {
  it("share above the baseline's p99 bound: interval, p-value and fail", () => {
    const canary = { le: baseline.le, counts: [1500, 2700, 3600, 3900, 3990, 4000] };
    const judgement = judgeSequentialQuantile(updateSequentialQuantile(initSequentialQuantile(params, baseline), [canary]));
    // test/fixtures/refs/sequential/refs.py, SciPy 1.17.1
    expect(judgement.interval.estimate).toBeCloseTo(1.4996250937265683, 12);
    expect(judgement.interval.lower).toBeCloseTo(0.23258220853176015, 9);
    expect(judgement.interval.upper).toBeCloseTo(3.8602508366566797, 9);
    expect(judgement.pValue / 0.0008083685591703051).toBeCloseTo(1, 6);
    expect(judgement.result).toBe("fail");
    expect(judgement.summary).toContain("above 0.5 (the baseline's p99 bucket)");
  });

  it("says so when the baseline's quantile lies in the +Inf bucket", () => {
    const state = initSequentialQuantile({ ...params, quantile: 0.9995 }, baseline);
    expect(state.bucket).toBeNull();
    expect(judgeSequentialQuantile(state).summary).toContain("above the largest finite bucket bound");
  });

  it("a canary clearly faster than the baseline passes under a one-sided test", () => {
    const fast = { le: baseline.le, counts: [100_000, 100_000, 100_000, 100_000, 100_000, 100_000] };
    const state = updateSequentialQuantile(initSequentialQuantile({ ...params, quantile: 0.5 }, baseline), [fast]);
    expect(judgeSequentialQuantile(state).result).toBe("pass");
  });

  it("rejects a canary histogram with other bounds", () => {
    expect(() => updateSequentialQuantile(initSequentialQuantile(params, baseline), [{ le: [0.1, Infinity], counts: [1, 2] }])).toThrow(RangeError);
  });
});

describe("sequential-quantile error rates (seeded simulations)", () => {
  const runs = 500;
  it.each(["increase", "either"] as const)("A/A (%s, tolerance 0): 20k baseline requests, 40 polls of 250: halt rate ≤ α + 3 SE", (direction) => {
    const fails = Array.from({ length: runs }, (_, i) => everFails({ ...params, direction, tolerance: 0 }, 11_000 + i, 0, 40));
    expect(rate(fails)).toBeLessThanOrEqual(monteCarloCeiling(0.05, runs));
  });

  it("power: 2% of canary requests 5× slower (a tail-only regression) is caught in ≥ 90% of runs within 40 polls", () => {
    const fails = Array.from({ length: 300 }, (_, i) => everFails(params, 13_000 + i, 0.02, 40));
    expect(rate(fails)).toBeGreaterThanOrEqual(0.9);
  });
});

const canarySteps = fc.array(
  fc.array(fc.array(fc.nat(300), { minLength: 6, maxLength: 6 }), { maxLength: 5 }).map((steps) =>
    steps.map((buckets) => ({ le: baseline.le, counts: buckets.map((_, i) => buckets.slice(0, i + 1).reduce((a, b) => a + b, 0)) })),
  ),
  { minLength: 1, maxLength: 5 },
);
const direction = fc.constantFrom("increase", "decrease", "either") as fc.Arbitrary<SequentialQuantileParams["direction"]>;

describe("sequential-quantile properties", () => {
  it("the p-value never rises, once fail stays fail, several updates equal one, and the state is JSON", () => {
    fc.assert(
      fc.property(canarySteps, direction, fc.constantFrom(0.5, 0.9, 0.99), (polls, d, q) => {
        const start = initSequentialQuantile({ ...params, direction: d, quantile: q }, baseline);
        let state = start;
        let previous = judgeSequentialQuantile(state);
        for (const poll of polls) {
          const current = judgeSequentialQuantile((state = updateSequentialQuantile(state, poll)));
          expect(current.pValue).toBeLessThanOrEqual(previous.pValue);
          if (previous.result === "fail") expect(current.result).toBe("fail");
          previous = current;
        }
        expect(updateSequentialQuantile(start, polls.flat())).toEqual(state);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      { numRuns: 60 },
    );
  });
});
