import { describe, expect, it } from "vitest";
import { clopperPearsonAt, clopperPearsonBounds } from "../../../src/analysis/sequential/baseline-bounds.js";
import { betaMixtureInterval, betaMixtureLogBF, betaMixtureLogMarginal, type BetaPrior } from "../../../src/analysis/sequential/beta-mixture.js";
import { dkwEpsilon, dkwLilEpsilon } from "../../../src/analysis/sequential/dkw-band.js";
import { gammaPoissonInterval, gammaPoissonLogM } from "../../../src/analysis/sequential/gamma-poisson.js";
import { studentTUpperQuantile } from "../../../src/analysis/sequential/student-t-upper-quantile.js";
import { bestRho, tEProcessLogE, tEProcessThreshold } from "../../../src/analysis/sequential/t-e-process.js";

/** |actual − expected| ≤ rel·|expected| (+ a tiny absolute floor for zeros). */
function near(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}

/** Two-arm prior of Lindon & Malek, a = kρ_B (canary), b = kρ_A; truncated above or below ρ_B if asked. */
function twoArm(rhoB: number, k: number, side: "both" | "above" | "below" = "both"): BetaPrior {
  return { a: k * rhoB, b: k * (1 - rhoB), cut: rhoB, weightAbove: side === "both" ? null : side === "above" ? 1 : 0 };
}

describe("research §6 test vectors", () => {
  it("Dirichlet/Beta count test log BF and p = min(1, 1/BF)", () => {
    const rows: [number, number, number, number, number, number][] = [
      // counts (A, B), ρ_B, k, log BF, p
      [100, 150, 0.5, 100, 2.9658388777, 0.05151723445],
      [100, 150, 0.5, 1, 2.0463288016, 0.1292083835],
      [30, 60, 0.5, 10, 3.443787725, 0.03194346284],
      [900, 130, 0.1, 100, 2.0433737274, 0.1295907686],
      [1000, 1000, 0.5, 100, -1.5246421296, 1],
    ];
    for (const [a, b, rhoB, k, logBF, p] of rows) {
      const actual = betaMixtureLogBF(b, a, rhoB, twoArm(rhoB, k));
      expect(actual).toBeCloseTo(logBF, 9);
      near(Math.min(1, Math.exp(-actual)), p, 1e-9);
    }
  });

  it("confidence sequence for log(λB/λA), α = 0.05, k = 100, ρ = ½", () => {
    const rows: [number, number, number, number][] = [
      [100, 150, -0.001194, 0.823424],
      [40, 80, 0.014263, 1.426964],
      [1000, 1100, -0.037858, 0.22876],
    ];
    for (const [a, b, lower, upper] of rows) {
      const cs = betaMixtureInterval(b, a, betaMixtureLogMarginal(b, a, twoArm(0.5, 100)), 0.05);
      expect(Math.log(cs.lower / (1 - cs.lower))).toBeCloseTo(lower, 6);
      expect(Math.log(cs.upper / (1 - cs.upper))).toBeCloseTo(upper, 6);
    }
  });

  it("gamma-Poisson log M(N = 150, φ = 10, Λ0 = 100)", () => {
    near(gammaPoissonLogM(150, 10, 100), 8.5568478187, 1e-10);
  });

  it("avlm t e-process, n = 1000 in equal arms, φ = 1", () => {
    near(tEProcessLogE(4, 998, 250, 1), -0.7726998535, 1e-9);
    near(tEProcessLogE(9, 998, 250, 1), 1.7036469971, 1e-9);
    near(tEProcessLogE(16, 998, 250, 1), 5.1498715689, 1e-9);
    near(Math.exp(-tEProcessLogE(9, 998, 250, 1)), 0.1820184912, 1e-9);
    near(Math.exp(-tEProcessLogE(16, 998, 250, 1)), 0.005800149599, 1e-9);
  });

  it("normal-mixture boundary u(v, 0.05) with v_opt = 1000, two-sided, as the t e-process's Gaussian limit", () => {
    const rho = bestRho(1000, 0.05);
    near(rho, 126.0056097925634, 1e-14);
    // With φ = ρ and ν → ∞ the t e-process is Howard's two-sided normal mixture: t*² = u(v)²/v at z² = v.
    for (const [v, u] of [[100, 38.5505463353], [1000, 95.9817358421], [10000, 324.1723145405]] as const) {
      near(Math.sqrt(tEProcessThreshold(0.05, 1e12, v, rho) * v), u, 1e-10);
    }
  });

  it("time-uniform DKW eps_t, closed form", () => {
    for (const [t, eps] of [[100, 0.2691758223], [1000, 0.0865691284], [10000, 0.0277107451], [100000, 0.0088463452]] as const) {
      expect(dkwLilEpsilon(t, 0.05)).toBeCloseTo(eps, 10);
    }
    expect(dkwLilEpsilon(1000, 0.025)).toBeCloseTo(0.0888529856, 10);
  });
});

// test/fixtures/refs/sequential/refs.py, SciPy 1.17.1 (quantiles from scipy.stats, roots by brentq).
describe("SciPy references (refs.py)", () => {
  it("Clopper-Pearson bounds for a baseline share", () => {
    const rows: [number, number, number, number, number][] = [
      [0, 500, 0.025, 0, 0.007350610051907786],
      [12, 1000, 0.025 / 13, 0.004391210942248046, 0.025703729005659363],
      [990, 1000, 0.0125, 0.9803670058232541, 0.9957117090596634],
      [500, 500, 0.01, 0.9908319448927676, 1],
    ];
    for (const [x, n, alpha, lower, upper] of rows) {
      const bounds = clopperPearsonBounds(x, n, alpha);
      near(bounds.lower, lower, 1e-10);
      near(bounds.upper, upper, 1e-10);
    }
  });

  it("Clopper-Pearson bounds of one sample at a moving α, as a sequential test asks for them", () => {
    const at = clopperPearsonAt(12, 1000);
    // The second row above, then another α, then back: each answer is the bound at the α asked.
    for (const alpha of [0.025 / 13, 0.025 / 13, 0.05, 0.025 / 13]) {
      const direct = clopperPearsonBounds(12, 1000, alpha);
      expect(at.lower(alpha)).toBe(direct.lower);
      expect(at.upper(alpha)).toBe(direct.upper);
    }
    near(at.lower(0.025 / 13), 0.004391210942248046, 1e-10);
    near(at.upper(0.025 / 13), 0.025703729005659363, 1e-10);
  });

  it("Student t upper quantile through the Beta quantile", () => {
    const rows: [number, number, number][] = [
      [0.0125, 59, 2.3000468994409307],
      [1e-10, 11, 21.914643308078606],
      [0.025, 1, 12.706204736174705],
      [0.4, 5, 0.2671808657041451],
      [1e-300, 30, 50178575360.50508],
    ];
    for (const [p, nu, t] of rows) near(studentTUpperQuantile(p, nu), t, 1e-13);
  });

  it("t e-process threshold in closed form equals the numeric root", () => {
    near(tEProcessThreshold(0.05, 20, 5, 1), 11.828918184782491, 1e-11);
    near(tEProcessThreshold(0.05, 118, 30, bestRho(30, 0.05)), 9.542002990607905, 1e-11);
    near(tEProcessThreshold(0.01, 5000, 1250, 10), 14.176382296071647, 1e-11);
    expect(tEProcessThreshold(0.05, 2, 0.5, 1)).toBe(Infinity);
  });

  it("gamma-Poisson confidence sequence for Λ", () => {
    const rows: [number, number, number, number, number][] = [
      [150, 10, 0.05, 115.38765692609783, 190.4618927089512],
      [0, 10, 0.025, 0, 11.205754233961796],
      [3, 1, 0.025, 0, 12.225796924309252],
      [5000, 10, 0.001, 4689.718041295882, 5323.647194125257],
    ];
    for (const [n, phi, alpha, lower, upper] of rows) {
      const cs = gammaPoissonInterval(n, phi, alpha);
      near(cs.lower, lower, 1e-11);
      near(cs.upper, upper, 1e-11);
    }
  });

  it("one-sided truncated Beta log BF and its confidence sequence", () => {
    const rows: [number, number, number, number, "above" | "below", number, number, number][] = [
      [40, 60, 0.25, 10, "above", 4.401707894489601, 0.2692335664672231, 0.5411932161741219],
      [150, 100, 0.5, 100, "above", 3.6553026340863397, 0.5068284386490308, 0.688554618490957],
      [3, 40, 0.1, 10, "below", -0.33823192557416437, 0.009127592480961129, 0.2193432173876816],
    ];
    for (const [x, y, rho, k, side, logBF, lower, upper] of rows) {
      near(betaMixtureLogBF(x, y, rho, twoArm(rho, k, side)), logBF, 1e-11);
      const cs = betaMixtureInterval(x, y, betaMixtureLogMarginal(x, y, twoArm(rho, k, side)), 0.05);
      near(cs.lower, lower, 1e-10);
      near(cs.upper, upper, 1e-10);
    }
  });

  it("fixed-sample DKW half-width (Massart)", () => {
    near(dkwEpsilon(10000, 0.025), 0.014802071873007984, 1e-14);
    near(dkwEpsilon(250, 0.05), 0.08589388166934751, 1e-14);
  });
});
