import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile } from "../../../src/analysis/stats/normal.js";

// Expected values printed by test/fixtures/refs/normal.py (SciPy 1.17.1, scipy.stats.norm).
describe("normalCdf", () => {
  it.each([
    [-9.0, 1.1285884059538324e-19],
    [-5.0, 2.866515718791933e-7],
    [-1.959963984540054, 0.025],
    [-1.0, 0.15865525393145707],
    [0.0, 0.5],
    [0.5, 0.6914624612740131],
    [2.326347874040841, 0.99],
    [6.0, 0.9999999990134123],
  ])("Φ(%d) = %d", (z, expected) => {
    expect(Math.abs(normalCdf(z) - expected)).toBeLessThanOrEqual(1e-14 * expected);
  });
});

describe("normalQuantile", () => {
  it.each([
    [1e-12, -7.034483825301131],
    [0.001, -3.090232306167813],
    [0.01, -2.3263478740408408],
    [0.025, -1.9599639845400545],
    [0.2, -0.8416212335729142],
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.999999, 4.753424308817087],
  ])("Φ⁻¹(%d) = %d", (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
  });

  it("matches Kayenta's zQuant (MW-U-02: Φ⁻¹(0.02/2) = −2.326348 within 1e-6)", () => {
    expect(Math.abs(normalQuantile(0.02 / 2) - -2.326348)).toBeLessThan(1e-6);
  });

  it("is infinite at 0 and 1", () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});
