import { describe, expect, it } from "vitest";
import { InsufficientData } from "../../../src/analysis/stats/insufficient-data.js";
import { aggregateSorted, quantile, sortedCopy, summarize } from "../../../src/analysis/stats/summary.js";

// Expected values printed by test/fixtures/refs/summary.py (NumPy 2.4.6, np.percentile default "linear" = type 7).
const ten = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
const seven = [12.5, 7.25, 19.0, 3.5, 11.0, 8.75, 14.0];

describe("quantile (type 7)", () => {
  it.each([
    [ten, 0, 1.0],
    [ten, 0.5, 3.5],
    [ten, 0.9, 6.299999999999999],
    [ten, 0.95, 7.649999999999997],
    [ten, 0.99, 8.73],
    [ten, 1, 9.0],
    [seven, 0.9, 16.0],
    [seven, 0.95, 17.499999999999996],
    [seven, 0.99, 18.699999999999996],
    [[42], 0.95, 42],
  ])("%j at %d is %d", (values, p, expected) => {
    expect(quantile(sortedCopy(values), p)).toBeCloseTo(expected, 12);
  });

  it("rejects an empty sample and probabilities outside [0, 1]", () => {
    expect(() => quantile(new Float64Array(0), 0.5)).toThrow(InsufficientData);
    expect(() => quantile(sortedCopy([1, 2]), 1.5)).toThrow(RangeError);
  });
});

describe("summarize", () => {
  it("gives n, mean, median and p95 as NumPy", () => {
    const s = summarize(seven);
    expect(s.n).toBe(7);
    expect(s.mean).toBeCloseTo(10.857142857142858, 12);
    expect(s.median).toBe(11.0);
    expect(s.p95).toBeCloseTo(17.499999999999996, 12);
  });

  it("leaves its input unsorted", () => {
    const values = [3, 1, 2];
    summarize(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it("throws InsufficientData on an empty sample", () => {
    expect(() => summarize([])).toThrow(InsufficientData);
  });
});

describe("aggregateSorted", () => {
  it.each([
    ["mean", 3.9],
    ["median", 3.5],
    ["p90", 6.299999999999999],
    ["p95", 7.649999999999997],
    ["p99", 8.73],
    ["min", 1],
    ["max", 9],
  ] as const)("%s of ten values", (kind, expected) => {
    expect(aggregateSorted(sortedCopy(ten), kind)).toBeCloseTo(expected, 12);
  });
});
