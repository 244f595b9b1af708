import { describe, expect, it } from "vitest";
import { InsufficientData } from "../../../src/analysis/stats/insufficient-data.js";
import { mannWhitneyU, type Alternative } from "../../../src/analysis/stats/mann-whitney.js";
import { lcgSample } from "../lcg-sample.js";

const close = (actual: number, expected: number, relative = 1e-10): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));
};

describe("mannWhitneyU against research/sequential-stats.md §6 (SciPy 1.17.1)", () => {
  const x = [1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 5, 7.5, 2.5, 3];
  const y = [1, 1.5, 1.5, 2, 2, 2.5, 2.5, 3, 2, 1.5, 4.5, 2];

  it("U1 = 110 and the three p-values", () => {
    expect(mannWhitneyU(x, y, "two-sided").u).toBe(110);
    close(mannWhitneyU(x, y, "two-sided").pValue, 0.0280689827037);
    close(mannWhitneyU(x, y, "greater").pValue, 0.0140344913519);
    close(mannWhitneyU(x, y, "less").pValue, 0.98792986594);
  });

  it("without continuity correction", () => {
    close(mannWhitneyU(x, y, "two-sided", { continuity: false }).pValue, 0.0260406389001);
  });
});

// Printed by test/fixtures/refs/mann-whitney.py (SciPy 1.17.1, method="asymptotic"); R 4.2.2's
// wilcox.test(exact = FALSE) prints the same digits for D1, D3, D4, D5 (test/fixtures/refs/wilcox.R).
const scipy: Array<{ name: string; x: number[]; y: number[]; u: number; p: Record<Alternative, [number, number]> }> = [
  {
    name: "SciPy docstring (males vs females)",
    x: [19, 22, 16, 29, 24],
    y: [20, 11, 17, 12],
    u: 17,
    p: { "two-sided": [0.11134688653314041, 0.0864107329737], greater: [0.055673443266570206, 0.04320536648685], less: [0.9669037101389033, 0.95679463351315] },
  },
  {
    name: "D1: smooth, no ties, 31 vs 47",
    x: lcgSample(11, 31, "smooth", 2),
    y: lcgSample(12, 47, "smooth", 0),
    u: 1056,
    p: {
      "two-sided": [0.0008413029495040009, 0.0008259730223879976],
      greater: [0.00042065147475200043, 0.0004129865111939988],
      less: [0.9995945487095601, 0.999587013488806],
    },
  },
  {
    name: "D3: five levels, heavy ties, 15 vs 61",
    x: lcgSample(31, 15, "coarse", 0),
    y: lcgSample(32, 61, "coarse", 0),
    u: 491.5,
    p: { "two-sided": [0.6550905116609824, 0.6502831926058338], greater: [0.3275452558304912, 0.3251415963029169], less: [0.6772548086909456, 0.674858403697083] },
  },
  {
    name: "D4: skewed, 301 vs 201",
    x: lcgSample(41, 301, "skewed", 3),
    y: lcgSample(42, 201, "skewed", 0),
    u: 34767,
    p: {
      "two-sided": [0.004570761408579465, 0.004566270170635305],
      greater: [0.0022853807042897325, 0.0022831350853176526],
      less: [0.9977191085348723, 0.9977168649146824],
    },
  },
  {
    name: "D5: 3 vs 5",
    x: lcgSample(51, 3, "smooth", 0),
    y: lcgSample(52, 5, "smooth", 0),
    u: 5,
    p: { "two-sided": [0.5509849875850934, 0.456056540250256], greater: [0.8144533152386513, 0.7719717298748721], less: [0.2754924937925467, 0.228028270125128] },
  },
];

describe.each(scipy)("mannWhitneyU on $name", ({ x, y, u, p }) => {
  it.each(["two-sided", "greater", "less"] as const)("%s, with and without continuity correction", (alternative) => {
    const [corrected, uncorrected] = p[alternative];
    expect(mannWhitneyU(x, y, alternative).u).toBe(u);
    close(mannWhitneyU(x, y, alternative).pValue, corrected);
    close(mannWhitneyU(x, y, alternative, { continuity: false }).pValue, uncorrected);
  });
});

describe("mannWhitneyU edge cases", () => {
  it("all values tied: p = 1 as SciPy with continuity correction (SciPy gives NaN without it, R NaN)", () => {
    for (const alternative of ["two-sided", "greater", "less"] as const) {
      expect(mannWhitneyU([5, 5, 5, 5], [5, 5, 5, 5, 5, 5], alternative)).toEqual({ u: 12, z: 0, pValue: 1 });
      expect(mannWhitneyU([5, 5, 5, 5], [5, 5, 5, 5, 5, 5], alternative, { continuity: false }).pValue).toBe(1);
    }
  });

  it("an empty sample throws InsufficientData; a NaN throws RangeError", () => {
    expect(() => mannWhitneyU([], [1], "two-sided")).toThrow(InsufficientData);
    expect(() => mannWhitneyU([1], [], "less")).toThrow(InsufficientData);
    expect(() => mannWhitneyU([1, Number.NaN], [2], "less")).toThrow(RangeError);
  });

  it("U counts pairs with x > y, ties one half (U = 1·3 + 0.5·1 for [2] vs [1, 1, 1, 2])", () => {
    expect(mannWhitneyU([2], [1, 1, 1, 2], "two-sided").u).toBe(3.5);
  });
});
