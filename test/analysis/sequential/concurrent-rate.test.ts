import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initConcurrentRate, judgeConcurrentRate, updateConcurrentRate, type ConcurrentRateParams } from "../../../src/analysis/sequential/concurrent-rate.js";
import { monteCarloCeiling, mulberry32, rate } from "./prng.js";

const params: ConcurrentRateParams = { direction: "increase", tolerance: 0.5, alpha: 0.05, canaryShare: 0.1 };

/** A 10% canary beside its control, errors Poisson per poll; whether the rollout ever fails within `polls`. */
function everFails(p: ConcurrentRateParams, seed: number, controlErrors: number, canaryErrors: number, polls: number): boolean {
  const random = mulberry32(seed);
  let state = initConcurrentRate(p);
  for (let i = 0; i < polls; i++) {
    state = updateConcurrentRate(state, [{ baseline: random.poisson(controlErrors), canary: random.poisson(canaryErrors) }]);
    if (judgeConcurrentRate(state).result === "fail") return true;
  }
  return false;
}

describe("concurrent-rate against research §6 and refs.py", () => {
  it("(100 control, 150 canary) at ρ = ½, k = 100, two-sided: §6 log BF, p and interval", () => {
    const state = updateConcurrentRate(initConcurrentRate({ direction: "either", tolerance: 0.1, alpha: 0.05, canaryShare: 0.5, concentration: 100 }), [{ baseline: 100, canary: 150 }]);
    const judgement = judgeConcurrentRate(state);
    expect(judgement.pValue).toBeCloseTo(0.05151723445, 10);
    expect(Math.log(judgement.eValue)).toBeCloseTo(2.9658388777, 9);
    // §6: log(λB/λA) in [−0.001194, 0.823424]; refs.py: rate ratio [0.9988067585530095, 2.2782877472523744]
    expect(judgement.interval.lower).toBeCloseTo(0.9988067585530095 - 1, 9);
    expect(judgement.interval.upper).toBeCloseTo(2.2782877472523744 - 1, 9);
    expect(judgement.result).toBe("inconclusive");
  });

  it("(60 control, 40 canary) at ρ = ¼, k = 10, one-sided (90% of the prior above ρ): log BF, interval and fail", () => {
    const p = { direction: "increase", tolerance: 0.5, alpha: 0.05, canaryShare: 0.25, concentration: 10 } as const;
    const judgement = judgeConcurrentRate(updateConcurrentRate(initConcurrentRate(p), [{ baseline: 60, canary: 40 }]));
    // test/fixtures/refs/sequential/refs.py, SciPy 1.17.1
    expect(Math.log(judgement.eValue)).toBeCloseTo(4.296428213837952, 10);
    expect(judgement.interval.lower).toBeCloseTo(0.09646879069099579, 9);
    expect(judgement.interval.upper).toBeCloseTo(2.565012848847556, 9);
    expect(judgement.interval.estimate).toBeCloseTo(1.008264462809917, 12);
    expect(judgement.result).toBe("fail");
  });

  it("a canary with errors beside a control with none fails; no errors at all stays inconclusive", () => {
    let state = initConcurrentRate(params);
    state = updateConcurrentRate(state, [{ baseline: 0, canary: 0 }]);
    expect(judgeConcurrentRate(state).summary).toContain("No errors in either arm");
    state = updateConcurrentRate(state, [{ baseline: 0, canary: 6 }]);
    expect(judgeConcurrentRate(state).result).toBe("fail");
    expect(Number.isFinite(judgeConcurrentRate(state).interval.estimate)).toBe(true);
  });

  it.each(["increase", "either"] as const)("an unchanged canary passes once the interval is inside the band (%s)", (direction) => {
    const state = updateConcurrentRate(initConcurrentRate({ ...params, direction }), [{ baseline: 9000, canary: 1000 }]);
    expect(judgeConcurrentRate(state).result).toBe("pass");
  });

  it("a canary far better than its control passes under a one-sided test", () => {
    const state = updateConcurrentRate(initConcurrentRate({ ...params, canaryShare: 0.5 }), [{ baseline: 50, canary: 40 }, { baseline: 5000, canary: 100 }]);
    expect(judgeConcurrentRate(state).result).toBe("pass");
  });
});

describe("concurrent-rate error rates (seeded simulations)", () => {
  const runs = 1000;
  it.each(["increase", "either"] as const)("A/A (%s, tolerance 0): canary share 0.1, 60 polls, 10 errors per poll in all: halt rate ≤ α + 3 SE", (direction) => {
    const fails = Array.from({ length: runs }, (_, i) => everFails({ ...params, direction, tolerance: 0 }, 7000 + i, 9, 1, 60));
    expect(rate(fails)).toBeLessThanOrEqual(monteCarloCeiling(0.05, runs));
  });

  it("power: a 3× error spike on a 10% canary is caught in ≥ 90% of runs within 60 polls", () => {
    const fails = Array.from({ length: 400 }, (_, i) => everFails(params, 9000 + i, 9, 3, 60));
    expect(rate(fails)).toBeGreaterThanOrEqual(0.9);
  });
});

const polls = fc.array(fc.array(fc.record({ baseline: fc.nat(40), canary: fc.nat(15) }), { maxLength: 8 }), { minLength: 1, maxLength: 6 });
const setup = fc.record({
  direction: fc.constantFrom("increase", "decrease", "either") as fc.Arbitrary<ConcurrentRateParams["direction"]>,
  canaryShare: fc.double({ min: 0.02, max: 0.98, noNaN: true }),
  concentration: fc.constantFrom(1, 10, 100),
});

describe("concurrent-rate properties", () => {
  it("the p-value never rises, once fail stays fail, and several updates equal one", () => {
    fc.assert(
      fc.property(setup, polls, (s, steps) => {
        const start = initConcurrentRate({ ...params, ...s });
        let state = start;
        let previous = judgeConcurrentRate(state);
        for (const step of steps) {
          const current = judgeConcurrentRate((state = updateConcurrentRate(state, step)));
          expect(current.pValue).toBeLessThanOrEqual(previous.pValue);
          if (previous.result === "fail") expect(current.result).toBe("fail");
          previous = current;
        }
        expect(updateConcurrentRate(start, steps.flat())).toEqual(state);
      }),
      { numRuns: 80 },
    );
  });
});
