import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairwiseDifferenceSelector } from "../../../src/analysis/stats/kth-pairwise-difference.js";

// The reference is brute force: every difference formed and sorted.
const sorted = (values: number[]): Float64Array => Float64Array.from(values).sort();
const allDifferences = (x: number[], y: number[]): number[] => x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);

describe("pairwiseDifferenceSelector", () => {
  // Big enough (up to 150 × 150 pairs) that the bracket search runs before enumeration takes over.
  const value = fc.oneof(
    fc.integer({ min: -5, max: 5 }), // heavy ties
    fc.double({ min: -100, max: 100, noNaN: true }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v * Math.abs(v) * 1e-6), // long tails
  );
  const sample = fc.array(value, { minLength: 1, maxLength: 150, size: "max" });

  it("returns the k-th smallest difference, for any ranks in any order", () => {
    fc.assert(
      fc.property(sample, sample, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }), (x, y, fractions) => {
        const expected = allDifferences(x, y);
        const { kth } = pairwiseDifferenceSelector(sorted(x), sorted(y));
        for (const f of fractions) {
          const k = 1 + Math.min(expected.length - 1, Math.floor(f * expected.length));
          expect(kth(k)).toBe(expected[k - 1]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("handles grid data where one value fills most ranks", () => {
    const x = Array.from({ length: 300 }, (_, i) => (i % 10 === 0 ? i : 1));
    const y = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? -i : 1));
    const expected = allDifferences(x, y);
    const { kth } = pairwiseDifferenceSelector(sorted(x), sorted(y));
    for (const k of [1, 1000, 30_000, 30_001, 59_999, 60_000]) expect(kth(k)).toBe(expected[k - 1]);
  });

  it("rejects ranks outside 1..n·m", () => {
    const { kth } = pairwiseDifferenceSelector(sorted([1, 2]), sorted([3]));
    expect(() => kth(0)).toThrow(RangeError);
    expect(() => kth(3)).toThrow(RangeError);
  });
});
