import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initSequentialMean, judgeSequentialMean, updateSequentialMean, type SequentialMeanParams } from "../../../src/analysis/sequential/sequential-mean.js";
import { monteCarloCeiling, mulberry32, rate, type Random } from "./prng.js";

const params: SequentialMeanParams = { direction: "increase", tolerance: 0.05, alpha: 0.05 };

function lognormal(random: Random, n: number, sigma: number, shift = 0): number[] {
  return Array.from({ length: n }, () => 100 * Math.exp(shift + sigma * random.normal()));
}

/** Feeds the canary one point per poll and says whether the rollout ever failed. */
function everFails(p: SequentialMeanParams, baseline: number[], canary: number[]): boolean {
  let state = initSequentialMean(p, baseline);
  for (const value of canary) {
    state = updateSequentialMean(state, [value]);
    if (judgeSequentialMean(state).result === "fail") return true;
  }
  return false;
}

describe("sequential-mean against refs.py (one look at the 10th canary point)", () => {
  const baseline = [101, 97, 103, 99, 105, 98, 102, 100, 96, 104, 99, 101];
  const canary = [108, 112, 105, 110, 115, 109, 107, 111, 113, 106];
  // test/fixtures/refs/sequential/refs.py, SciPy 1.17.1: the baseline's t interval from scipy.stats.t, the
  // canary's t e-process inverted and the p-value solved with brentq.
  it.each([
    ["increase", -0.024919094500771923, 0.2216312831151559, 0.07130073370493022],
    ["either", -0.027966679698836337, 0.2254614248789801, 0.07592273018920805],
  ] as const)("%s: union of the baseline's t interval and the canary's t e-process sequence", (direction, lower, upper, pValue) => {
    const judgement = judgeSequentialMean(updateSequentialMean(initSequentialMean({ ...params, direction, tuningPoints: 60, minCanaryPoints: 10 }, baseline), canary));
    expect(judgement.interval.estimate).toBeCloseTo(0.09141620737741937, 12);
    expect(judgement.interval.lower).toBeCloseTo(lower, 10);
    expect(judgement.interval.upper).toBeCloseTo(upper, 10);
    expect(judgement.pValue / pValue).toBeCloseTo(1, 7);
    expect(judgement.eValue).toBeCloseTo(1 / pValue, 4);
    expect(judgement.result).toBe("inconclusive");
    expect(judgement.summary).toMatch(/Not resolved yet: canary geometric mean \+9\.1% \(95% anytime interval/);
  });

  it("fails once more canary points at +9% arrive", () => {
    const judgement = judgeSequentialMean(updateSequentialMean(initSequentialMean(params, baseline), [...canary, ...canary]));
    expect(judgement.result).toBe("fail");
    expect(judgement.summary).toMatch(/\+9\.1%.*beyond the 5% tolerance/);
  });
});

describe("sequential-mean error rates (seeded simulations)", () => {
  it("A/A: lognormal, 60 baseline points, 120 one-point polls: halt rate ≤ α + 3 SE", () => {
    const random = mulberry32(1);
    const runs = 1000;
    const strict = { direction: "either", tolerance: 0, alpha: 0.05 } as const;
    const fails = Array.from({ length: runs }, () => everFails(strict, lognormal(random, 60, 0.1), lognormal(random, 120, 0.1)));
    expect(rate(fails)).toBeLessThanOrEqual(monteCarloCeiling(0.05, runs));
  });

  it("A/A with heavy-tailed logs (Student t, 3 df): halt rate ≤ α + 3 SE", () => {
    const random = mulberry32(2);
    const t3 = (): number => random.normal() / Math.sqrt((random.normal() ** 2 + random.normal() ** 2 + random.normal() ** 2) / 3);
    const series = (n: number): number[] => Array.from({ length: n }, () => 100 * Math.exp(0.1 * t3()));
    const runs = 1000;
    const fails = Array.from({ length: runs }, () => everFails({ direction: "either", tolerance: 0, alpha: 0.05 }, series(60), series(120)));
    expect(rate(fails)).toBeLessThanOrEqual(monteCarloCeiling(0.05, runs));
  });

  it("power: a +20% shift is caught in ≥ 90% of runs within 60 polls", () => {
    const random = mulberry32(3);
    const runs = 400;
    const fails = Array.from({ length: runs }, () => everFails(params, lognormal(random, 60, 0.15), lognormal(random, 60, 0.15, Math.log(1.2))));
    expect(rate(fails)).toBeGreaterThanOrEqual(0.9);
  });

  it("an unchanged canary passes once the sequence is inside ±5%", () => {
    const random = mulberry32(4);
    const state = updateSequentialMean(initSequentialMean({ ...params, direction: "either" }, lognormal(random, 120, 0.05)), lognormal(random, 240, 0.05));
    const judgement = judgeSequentialMean(state);
    expect(judgement.result).toBe("pass");
    expect(judgement.interval.lower).toBeGreaterThanOrEqual(-0.05);
    expect(judgement.interval.upper).toBeLessThanOrEqual(0.05);
  });
});

describe("sequential-mean behaviour", () => {
  it("waits for the burn-in, then reports the running intersection", () => {
    const state = updateSequentialMean(initSequentialMean(params, [100, 101, 99, 100]), [100, 102]);
    const judgement = judgeSequentialMean(state);
    expect(judgement.result).toBe("inconclusive");
    expect(judgement.summary).toContain("Waiting for 10 canary points");
    expect(judgement.pValue).toBe(1);
  });

  it("leaves values ≤ 0 and gaps out: they block pass, not fail", () => {
    const random = mulberry32(5);
    const baseline = [...lognormal(random, 120, 0.05), 0];
    const quiet = judgeSequentialMean(updateSequentialMean(initSequentialMean({ ...params, direction: "either" }, baseline), [...lognormal(random, 240, 0.05), Number.NaN]));
    expect(quiet.result).toBe("inconclusive");
    expect(quiet.summary).toContain("1 baseline and 0 canary value(s) ≤ 0");
    const slow = judgeSequentialMean(updateSequentialMean(initSequentialMean(params, baseline), lognormal(random, 60, 0.05, Math.log(1.5))));
    expect(slow.result).toBe("fail");
  });

  it("state survives a JSON round trip", () => {
    const state = updateSequentialMean(initSequentialMean(params, [1, 2, 3]), [1, 2]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

const positive = fc.double({ min: 0.01, max: 1e4, noNaN: true });
const sample = (min: number) => fc.array(positive, { minLength: min, maxLength: 40 });
const chunks = fc.array(fc.array(positive, { maxLength: 15 }), { minLength: 1, maxLength: 6 });
const direction = fc.constantFrom("increase", "decrease", "either") as fc.Arbitrary<SequentialMeanParams["direction"]>;
const small = (d: SequentialMeanParams["direction"]): SequentialMeanParams => ({ direction: d, tolerance: 0.05, alpha: 0.05, minCanaryPoints: 3 });

describe("sequential-mean properties", () => {
  it("scaling every value by c > 0 leaves the result unchanged", () => {
    fc.assert(
      fc.property(sample(2), sample(0), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), direction, (baseline, canary, c, d) => {
        const judge = (k: number) => judgeSequentialMean(updateSequentialMean(initSequentialMean(small(d), baseline.map((x) => x * k)), canary.map((x) => x * k)));
        const [plain, scaled] = [judge(1), judge(c)];
        expect(scaled.result).toBe(plain.result);
        expect(scaled.interval.estimate).toBeCloseTo(plain.interval.estimate, 8);
        expect(Math.log(scaled.pValue)).toBeCloseTo(Math.log(plain.pValue), 6);
      }),
    );
  });

  it("swapping baseline and canary flips the sign of the log change", () => {
    fc.assert(
      fc.property(sample(1), sample(1), (a, b) => {
        const change = (x: number[], y: number[]) => judgeSequentialMean(updateSequentialMean(initSequentialMean(small("either"), x), y)).interval.estimate;
        expect(Math.log1p(change(b, a))).toBeCloseTo(-Math.log1p(change(a, b)), 10);
      }),
    );
  });

  it("the p-value never rises, and once fail the result stays fail", () => {
    fc.assert(
      fc.property(sample(2), chunks, fc.double({ min: 0.5, max: 3, noNaN: true }), direction, (baseline, steps, lift, d) => {
        let state = initSequentialMean(small(d), baseline);
        let previous = judgeSequentialMean(state);
        for (const step of steps) {
          state = updateSequentialMean(state, step.map((x) => x * lift));
          const current = judgeSequentialMean(state);
          expect(current.pValue).toBeLessThanOrEqual(previous.pValue);
          if (previous.result === "fail") expect(current.result).toBe("fail");
          previous = current;
        }
      }),
    );
  });

  it("several updates equal one update with every point", () => {
    fc.assert(
      fc.property(sample(2), chunks, direction, (baseline, steps, d) => {
        const stepwise = steps.reduce((state, step) => updateSequentialMean(state, step), initSequentialMean(small(d), baseline));
        const batch = updateSequentialMean(initSequentialMean(small(d), baseline), steps.flat());
        expect(stepwise).toEqual(batch);
        expect(judgeSequentialMean(stepwise)).toEqual(judgeSequentialMean(batch));
      }),
    );
  });
});
