import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pooledRanks } from "../../../src/analysis/stats/rank-sum.js";
import { shiftedRankSums } from "../../../src/analysis/stats/shifted-rank-sums.js";

// The reference is the straightforward merge of x − shift with y, evaluated afresh at every shift.
const sorted = (values: number[]): Float64Array => Float64Array.from(values).sort();

describe("shiftedRankSums", () => {
  const value = fc.oneof(
    fc.integer({ min: -4, max: 4 }), // heavy ties, and exact matches x − shift = y at integer shifts
    fc.double({ min: -100, max: 100, noNaN: true }),
    fc.constantFrom(0, -0, 1, 1 + 2 ** -52, 1 + 2 ** -51, 1e-17, 2e-17), // neighbours a shift can round together
  );
  const sample = fc.array(value, { minLength: 1, maxLength: 120 });
  // Shifts: pairwise differences (ties across samples), zero, arbitrary and large (rounding) values.
  const shift = fc.oneof(
    fc.record({ i: fc.nat(), j: fc.nat() }),
    fc.constantFrom(0, -0, 1e17, -3e16),
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
  );

  it("gives the merge's rank sum and tie term at every shift, in any order of shifts", () => {
    fc.assert(
      fc.property(sample, sample, fc.array(shift, { minLength: 1, maxLength: 30 }), (x, y, shifts) => {
        const [xs, ys] = [sorted(x), sorted(y)];
        const ranksAt = shiftedRankSums(xs, ys);
        for (const s of shifts) {
          const d = typeof s === "number" ? s : (xs[s.i % xs.length] as number) - (ys[s.j % ys.length] as number);
          const expected = pooledRanks(xs, ys, d);
          const actual = ranksAt(d);
          expect(actual.rankSumX).toBe(expected.rankSumX);
          expect(actual.tieTerm).toBe(expected.tieTerm);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("leaves samples holding an infinite value to the merge", () => {
    const [xs, ys] = [sorted([1, 2, Infinity]), sorted([-Infinity, 1.5, 3])];
    const ranksAt = shiftedRankSums(xs, ys);
    for (const d of [0, 0.5, -1]) expect(ranksAt(d)).toEqual(pooledRanks(xs, ys, d));
  });

  it("handles samples large enough for every interleaved merge to run", () => {
    const x = Array.from({ length: 3001 }, (_, i) => Math.round(50 * Math.sin(i)) / 4);
    const y = Array.from({ length: 2999 }, (_, i) => Math.round(60 * Math.cos(i * 1.3)) / 4);
    const [xs, ys] = [sorted(x), sorted(y)];
    const ranksAt = shiftedRankSums(xs, ys);
    for (const d of [0, 0.25, -3.5, 1.1, 7.75, 40, -40, 2.5000001]) expect(ranksAt(d)).toEqual(pooledRanks(xs, ys, d));
  });
});
