import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortFloat64 } from "../../../src/analysis/stats/sort-float64.js";

// The reference is Float64Array.prototype.sort; Object.is tells -0 from +0.
const expectSameOrder = (actual: Float64Array, expected: Float64Array): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`at ${i}: ${Object.is(actual[i], -0) ? "-0" : actual[i]} where the native sort has ${Object.is(expected[i], -0) ? "-0" : expected[i]}`);
  }
};

describe("sortFloat64", () => {
  const value = fc.oneof(
    fc.double({ noNaN: true }), // the whole range, infinities and subnormals included
    fc.constantFrom(0, -0, 5e-324, -5e-324, Infinity, -Infinity),
    fc.integer({ min: -3, max: 3 }), // ties
  );

  it("orders exactly as Float64Array.prototype.sort, on arrays long enough for the radix passes", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1024, maxLength: 3000 }), (values) => {
        expectSameOrder(sortFloat64(Float64Array.from(values)), Float64Array.from(values).sort());
      }),
      { numRuns: 60 },
    );
  });

  it("orders short arrays and arrays holding NaN as the native sort does", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.constant(Number.NaN)), { maxLength: 1500 }), (values) => {
        expectSameOrder(sortFloat64(Float64Array.from(values)), Float64Array.from(values).sort());
      }),
      { numRuns: 60 },
    );
  });

  it("sorts a view in place and leaves the rest of its buffer alone", () => {
    const buffer = Float64Array.from({ length: 2050 }, (_, i) => Math.sin(i) * 1e3);
    const view = buffer.subarray(1, 2049);
    const expected = Float64Array.from(view).sort();
    expect(sortFloat64(view)).toBe(view);
    expectSameOrder(view, expected);
    expect([buffer[0], buffer[2049]]).toEqual([0, Math.sin(2049) * 1e3]);
  });
});
