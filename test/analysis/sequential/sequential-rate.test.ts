import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initSequentialRate, judgeSequentialRate, updateSequentialRate, type SequentialRateParams } from "../../../src/analysis/sequential/sequential-rate.js";
import type { CountTotals } from "../../../src/analysis/types.js";
import { monteCarloCeiling, mulberry32, rate } from "./prng.js";

const params: SequentialRateParams = { direction: "increase", tolerance: 0.05, alpha: 0.05 };

function judgeOnce(p: SequentialRateParams, baseline: CountTotals, canary: CountTotals) {
  return judgeSequentialRate(updateSequentialRate(initSequentialRate(p, baseline), [canary]));
}

/** A rollout whose canary serves `requests` per poll at `canaryRate`; whether it ever fails in `polls` polls. */
function everFails(p: SequentialRateParams, seed: number, baselineRate: number, canaryRate: number, polls: number): boolean {
  const random = mulberry32(seed);
  let state = initSequentialRate(p, { errors: random.poisson(baselineRate * 100_000), total: 100_000 });
  for (let i = 0; i < polls; i++) {
    state = updateSequentialRate(state, [{ errors: random.poisson(canaryRate * 1000), total: 1000 }]);
    if (judgeSequentialRate(state).result === "fail") return true;
  }
  return false;
}

// test/fixtures/refs/sequential/refs.py, SciPy 1.17.1 (Clopper-Pearson from scipy.stats.beta, the canary
// sequence and the p-value solved with brentq).
describe("sequential-rate against refs.py (one look)", () => {
  it("a 4× canary: interval, p-value and fail", () => {
    const judgement = judgeOnce(params, { errors: 20, total: 100_000 }, { errors: 45, total: 50_000 });
    expect(judgement.interval.estimate).toBeCloseTo(3.439024390243903, 12);
    expect(judgement.interval.lower).toBeCloseTo(0.6548539700198961, 9);
    expect(judgement.interval.upper).toBeCloseTo(10.540783043376301, 8);
    expect(judgement.pValue / 0.0009324358415035197).toBeCloseTo(1, 7);
    expect(judgement.result).toBe("fail");
  });

  it("a zero-error baseline: finite estimate, unbounded above, not yet significant", () => {
    const judgement = judgeOnce(params, { errors: 0, total: 20_000 }, { errors: 12, total: 10_000 });
    expect(judgement.interval.estimate).toBeCloseTo(49, 12);
    expect(judgement.interval.lower).toBeCloseTo(-0.3688514059892143, 9);
    expect(judgement.interval.upper).toBe(Infinity);
    expect(judgement.pValue / 0.07702435634062997).toBeCloseTo(1, 7);
    expect(judgement.result).toBe("inconclusive");
  });

  it("direction either splits the baseline's α across both sides", () => {
    const judgement = judgeOnce({ ...params, direction: "either" }, { errors: 20, total: 100_000 }, { errors: 4, total: 50_000 });
    expect(judgement.interval.estimate).toBeCloseTo(-0.5609756097560975, 12);
    expect(judgement.interval.lower).toBe(-1);
    expect(judgement.interval.upper).toBeCloseTo(2.018460790746107, 8);
    expect(judgement.pValue).toBe(1);
  });
});

describe("sequential-rate with zero-error baselines", () => {
  it("a canary with errors against a baseline with none fails once the evidence is enough", () => {
    let state = initSequentialRate(params, { errors: 0, total: 20_000 });
    const results = Array.from({ length: 6 }, () => judgeSequentialRate((state = updateSequentialRate(state, [{ errors: 12, total: 10_000 }]))).result);
    expect(results[0]).toBe("inconclusive");
    expect(results.at(-1)).toBe("fail");
  });

  it("a canary with no errors passes once it has seen about three baselines' requests", () => {
    let state = initSequentialRate(params, { errors: 0, total: 20_000 });
    const results = Array.from({ length: 8 }, () => judgeSequentialRate((state = updateSequentialRate(state, [{ errors: 0, total: 10_000 }]))).result);
    // The canary's bound after T requests is 11.2/T (gamma-Poisson, φ = 10, α/2); the baseline's is 3.69/20 000.
    expect(results.indexOf("pass")).toBe(5);
    expect(results.slice(5).every((result) => result === "pass")).toBe(true);
  });
});

describe("sequential-rate error rates (seeded simulations)", () => {
  const runs = 1000;
  it.each(["increase", "either"] as const)("A/A (%s, tolerance 0): 100k baseline requests at rate 0.002, 60 polls of 1000: halt rate ≤ α + 3 SE", (direction) => {
    const fails = Array.from({ length: runs }, (_, i) => everFails({ direction, tolerance: 0, alpha: 0.05 }, 1000 + i, 0.002, 0.002, 60));
    expect(rate(fails)).toBeLessThanOrEqual(monteCarloCeiling(0.05, runs));
  });

  it("power: a 3× error spike is caught in ≥ 90% of runs within 60 polls", () => {
    const fails = Array.from({ length: 400 }, (_, i) => everFails(params, 5000 + i, 0.002, 0.006, 60));
    expect(rate(fails)).toBeGreaterThanOrEqual(0.9);
  });
});

const step = fc.record({ errors: fc.nat(30), total: fc.integer({ min: 30, max: 5000 }) });
const steps = fc.array(fc.array(step, { maxLength: 8 }), { minLength: 1, maxLength: 6 });
const baseline = fc.record({ errors: fc.nat(200), total: fc.integer({ min: 200, max: 200_000 }) });
const direction = fc.constantFrom("increase", "decrease", "either") as fc.Arbitrary<SequentialRateParams["direction"]>;

describe("sequential-rate properties", () => {
  it("the p-value never rises, and once fail the result stays fail", () => {
    fc.assert(
      fc.property(baseline, steps, direction, (b, polls, d) => {
        let state = initSequentialRate({ ...params, direction: d }, b);
        let previous = judgeSequentialRate(state);
        for (const poll of polls) {
          const current = judgeSequentialRate((state = updateSequentialRate(state, poll)));
          expect(current.pValue).toBeLessThanOrEqual(previous.pValue);
          if (previous.result === "fail") expect(current.result).toBe("fail");
          previous = current;
        }
      }),
      { numRuns: 60 },
    );
  });

  it("several updates equal one update with every step, and the state is JSON", () => {
    fc.assert(
      fc.property(baseline, steps, direction, (b, polls, d) => {
        const start = initSequentialRate({ ...params, direction: d }, b);
        const stepwise = polls.reduce(updateSequentialRate, start);
        const batch = updateSequentialRate(start, polls.flat());
        expect(stepwise).toEqual(batch);
        expect(JSON.parse(JSON.stringify(batch))).toEqual(batch);
      }),
      { numRuns: 60 },
    );
  });
});
