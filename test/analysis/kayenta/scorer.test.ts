import { describe, expect, it } from "vitest";
import type { KayentaClassification } from "../../../src/analysis/kayenta/classify-metric.js";
import { precisionRound } from "../../../src/analysis/kayenta/precision-round.js";
import { scoreKayenta, type KayentaScoredMetric } from "../../../src/analysis/kayenta/score-kayenta.js";

// Kayenta ScorerSuite (research/kayenta.md §4.3): c = classification, g = groups.
interface ScorerVector {
  id: string;
  weights: Record<string, number>;
  results: Array<{ c: KayentaClassification; g: string[]; critical?: boolean }>;
  expectedSummary: number;
  expectedGroupScores?: Record<string, number>;
  expectedGroupScoresSorted?: number[];
}
const scorerSuite: ScorerVector[] = [
  { id: "SC-01", weights: {}, results: [{ c: "Pass", g: ["test-group"] }], expectedSummary: 100.0 },
  { id: "SC-02", weights: {}, results: [{ c: "High", g: ["test-group"] }], expectedSummary: 0.0 },
  { id: "SC-03", weights: {}, results: [{ c: "Nodata", g: ["test-group-nodata"] }], expectedSummary: 0.0, expectedGroupScores: { "test-group-nodata": 0.0 } },
  {
    id: "SC-04", weights: {},
    results: [{ c: "Pass", g: ["test-group-pass"] }, { c: "Pass", g: ["test-group-pass"] }, { c: "Nodata", g: ["test-group-nodata"] }],
    expectedSummary: 100.0, expectedGroupScoresSorted: [0.0, 100.0],
  },
  { id: "SC-05", weights: {}, results: [{ c: "Pass", g: ["test-group"] }, { c: "High", g: ["test-group"] }], expectedSummary: 50.0 },
  { id: "SC-06", weights: {}, results: [{ c: "Pass", g: ["test-group"] }, { c: "High", g: ["test-group"] }, { c: "Low", g: ["test-group"] }], expectedSummary: 33.33 },
  { id: "SC-07", weights: { "group-1": 75.0, "group-2": 25.0 }, results: [{ c: "Pass", g: ["group-1"] }, { c: "Pass", g: ["group-1"] }, { c: "High", g: ["group-2"] }], expectedSummary: 75.0 },
  { id: "SC-08", weights: { "group-1": 50.0, "group-2": 50.0 }, results: [{ c: "Pass", g: ["group-1"] }, { c: "High", g: ["group-1"] }, { c: "High", g: ["group-2"] }], expectedSummary: 25.0 },
  { id: "SC-09", weights: { "group-1": 50.0, "group-2": 50.0 }, results: [{ c: "Pass", g: ["group-1"] }, { c: "Nodata", g: ["group-1"] }, { c: "High", g: ["group-2"] }], expectedSummary: 50.0 },
  { id: "SC-10", weights: {}, results: [{ c: "Pass", g: ["test-group"] }, { c: "High", g: ["test-group"], critical: true }], expectedSummary: 0.0 },
  { id: "SC-11", weights: {}, results: [{ c: "Low", g: ["test-group"], critical: false }, { c: "Pass", g: ["test-group"], critical: true }], expectedSummary: 50.0 },
  { id: "SC-12", weights: {}, results: [{ c: "Pass", g: ["test-group"] }, { c: "Nodata", g: ["test-group"], critical: true }], expectedSummary: 0.0 },
  { id: "SC-13", weights: { group1: 15.0, group2: 85.0 }, results: [{ c: "High", g: ["group1"] }, { c: "Low", g: ["group1"] }, { c: "Pass", g: ["group1"] }, { c: "High", g: ["group2"] }], expectedSummary: 5.0 },
];

const thresholds = { pass: 95, marginal: 75 };
const metric = (classification: KayentaClassification, groups: string[], extra: Partial<KayentaScoredMetric> = {}): KayentaScoredMetric =>
  ({ classification, critical: false, groups, ...extra });

describe("scoreKayenta: Kayenta ScorerSuite", () => {
  it.each(scorerSuite.map((v) => [v.id, v] as const))("%s", (_id, vector) => {
    const results = vector.results.map((r) => metric(r.c, r.g, { critical: r.critical ?? false }));
    const scored = scoreKayenta(results, { groupWeights: vector.weights, thresholds });
    expect(scored.score).toBe(vector.expectedSummary);
    for (const [name, score] of Object.entries(vector.expectedGroupScores ?? {})) {
      expect(scored.groupScores.find((g) => g.name === name)?.score).toBe(score);
    }
    if (vector.expectedGroupScoresSorted) expect(scored.groupScores.map((g) => g.score).sort((a, b) => a - b)).toEqual(vector.expectedGroupScoresSorted);
  });
});

describe("scoreKayenta: short-circuits, weights and thresholds (research/kayenta.md §2)", () => {
  it("a critical non-Pass result scores 0 with its reason, whatever the rest", () => {
    const results = [metric("Pass", ["a"]), metric("Low", ["a"], { critical: true, reason: "The metric latency was classified as Low (Critical)" }), metric("Pass", ["b"])];
    expect(scoreKayenta(results, { groupWeights: {}, thresholds })).toMatchObject({
      score: 0, classification: "Fail", reason: "Canary Failed: The metric latency was classified as Low (Critical)",
    });
  });

  it("50% Nodata scores 0; NodataFailMetric and Error do not count towards it", () => {
    const half = [metric("Nodata", ["a"]), metric("Pass", ["a"])];
    expect(scoreKayenta(half, { groupWeights: {}, thresholds })).toMatchObject({ score: 0, reason: "Canary Failed: 50% or more metrics returned NODATA" });
    const others = [metric("NodataFailMetric", ["a"]), metric("Error", ["a"]), metric("Pass", ["a"]), metric("Nodata", ["a"])];
    // 1 of 4 Nodata; the group counts Pass and NodataFailMetric only: 100 · 1/2.
    expect(scoreKayenta(others, { groupWeights: {}, thresholds })).toMatchObject({ score: 50, reason: null });
  });

  it("muted results are left out of every count", () => {
    const results = [metric("Pass", ["a"]), metric("High", ["a"], { muted: true, critical: true }), metric("Nodata", ["a"], { muted: true })];
    expect(scoreKayenta(results, { groupWeights: {}, thresholds })).toMatchObject({ score: 100, classification: "Pass" });
  });

  it("a metric in two groups counts in both; unlisted groups share the leftover weight", () => {
    const results = [metric("High", ["a", "b"]), metric("Pass", ["b"]), metric("Pass", ["c"])];
    // a: 0 (weight 50), b: 50 and c: 100 share (100 − 50) / 2 = 25 each.
    const scored = scoreKayenta(results, { groupWeights: { a: 50 }, thresholds });
    expect(scored.score).toBe(37.5);
    expect(scored.groupScores).toEqual([
      { name: "a", score: 0, noData: false }, { name: "b", score: 50, noData: false }, { name: "c", score: 100, noData: false },
    ]);
  });

  it("weights of groups without results are lost, so the maximum falls below 100", () => {
    expect(scoreKayenta([metric("Pass", ["a"])], { groupWeights: { a: 60, b: 40 }, thresholds }).score).toBe(60);
  });

  it("score = pass is Pass, score = marginal is Marginal, below is Fail", () => {
    const fourPass = (extra: KayentaClassification): KayentaScoredMetric[] => [...Array<KayentaClassification>(3).fill("Pass"), extra].map((c) => metric(c, ["g"]));
    expect(scoreKayenta(fourPass("Pass"), { groupWeights: {}, thresholds: { pass: 100, marginal: 75 } }).classification).toBe("Pass");
    expect(scoreKayenta(fourPass("High"), { groupWeights: {}, thresholds: { pass: 95, marginal: 75 } })).toMatchObject({ score: 75, classification: "Marginal" });
    expect(scoreKayenta(fourPass("High"), { groupWeights: {}, thresholds: { pass: 95, marginal: 75.01 } }).classification).toBe("Fail");
    expect(scoreKayenta(fourPass("High"), { groupWeights: {}, thresholds: { pass: 75, marginal: 50 } }).classification).toBe("Pass");
  });
});

describe("precisionRound (commons-math Precision.round, HALF_UP on the decimal string)", () => {
  it.each([
    [33.333333333333336, 33.33], [66.66666666666667, 66.67], [1.005, 1.01], [2.675, 2.68], [0.125, 0.13],
    [-0.125, -0.13], [100, 100], [0.005, 0.01], [0.004999, 0], [1e-7, 0], [5.000000000000001, 5], [12.344999999999999, 12.34],
  ])("%s → %s", (x, expected) => {
    expect(precisionRound(x, 2)).toBe(expected);
  });

  it("keeps NaN and infinities, and the sign of a zero result", () => {
    expect(precisionRound(Number.NaN, 2)).toBeNaN();
    expect(precisionRound(Infinity, 2)).toBe(Infinity);
    expect(Object.is(precisionRound(-0.001, 2), -0)).toBe(true);
  });
});
