import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyKayenta, type KayentaClassifierParams } from "../../../src/analysis/kayenta/classify-metric.js";
import { seededUniform } from "../../../src/analysis/kayenta/tie-noise.js";
import { kayentaVectors, type ClassifierVector } from "./kayenta-vectors.js";

// ClassifierSuite tuples are [decrease, increase].
function paramsOf({ params: p }: ClassifierVector): KayentaClassifierParams {
  return {
    name: "test-metric",
    tolerance: p.tolerance,
    confLevel: p.confLevel,
    direction: p.direction,
    nanStrategy: p.nanStrategy,
    isCritical: p.isCriticalMetric,
    mustHaveData: p.isDataRequired,
    effectSize: {
      measure: p.effectSizeMeasure,
      allowedDecrease: p.effectSizeThresholds[0],
      allowedIncrease: p.effectSizeThresholds[1],
      criticalDecrease: p.criticalThresholds[0],
      criticalIncrease: p.criticalThresholds[1],
    },
  };
}

describe("classifyKayenta: Kayenta ClassifierSuite (shared/data/kayenta-test-vectors.json)", () => {
  it("has all 34 Mann-Whitney cases", () => {
    expect(kayentaVectors.classifier).toHaveLength(34);
  });

  it.each(kayentaVectors.classifier.map((c) => [c.id, c] as const))("%s", (_id, vector) => {
    const result = classifyKayenta(vector.control, vector.experiment, paramsOf(vector));
    const { classification, critical, deviation, reasonNonEmpty } = vector.expected;
    if (classification !== undefined) expect(result.classification).toBe(classification);
    if (critical !== undefined) expect(result.critical).toBe(critical);
    if (deviation === "NaN") expect(result.deviation).toBeNaN();
    else if (deviation !== undefined) expect(result.deviation).toBe(deviation);
    if (reasonNonEmpty) expect(result.reason).not.toBe("");
  });

  // The noise path (§1.3 d) is random in Kayenta; its label must not depend on the draw.
  it.each(["MW-CLS-29", "MW-CLS-30"])("%s keeps its label under 200 noise seeds", (id) => {
    const vector = kayentaVectors.classifier.find((c) => c.id === id) as ClassifierVector;
    for (let seed = 1; seed <= 200; seed++) {
      const result = classifyKayenta(vector.control, vector.experiment, { ...paramsOf(vector), random: seededUniform(seed) });
      expect(result.classification, `seed ${seed}`).toBe(vector.expected.classification);
    }
  });

  it("is reproducible with the default seed", () => {
    const vector = kayentaVectors.classifier.find((c) => c.id === "MW-CLS-29") as ClassifierVector;
    const first = classifyKayenta(vector.control, vector.experiment, paramsOf(vector));
    const second = classifyKayenta(vector.control, vector.experiment, paramsOf(vector));
    expect(second).toEqual(first);
  });
});

// Cases users reported against Kayenta (research/kayenta.md §4.7), at the judge's settings 0.25 / 0.98.
describe("classifyKayenta: community-reported Kayenta outcomes", () => {
  const ones = (n: number): number[] => Array<number>(n).fill(1);
  const hundreds = (n: number): number[] => Array<number>(n).fill(100);
  const params = { effectSize: { allowedDecrease: 1.0, allowedIncrease: 1.05, criticalDecrease: 1.0, criticalIncrease: 1.1 } };

  it("spinnaker/spinnaker#6278: seven 100s and three 1s pass (lower bound ~0), deviation 70.3", () => {
    const result = classifyKayenta(ones(10), [...hundreds(7), ...ones(3)], params);
    expect(result.classification).toBe("Pass");
    expect(result.deviation).toBeCloseTo(70.3, 12);
  });

  it("spinnaker/spinnaker#6278: eight 100s and two 1s are High", () => {
    expect(classifyKayenta(ones(10), [...hundreds(8), ...ones(2)], params).classification).toBe("High");
  });

  it("#426: a mostly-zero error series against all zeros passes", () => {
    expect(classifyKayenta([0, 0, 0, 0, 0, 0], [0, 1, 2, 1, 0, 0]).classification).toBe("Pass");
  });

  it("#780 case 1: a variance increase passes", () => {
    const experiment = [10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 17.0, 17.1, 17.2, 17.3, 17.4, 17.5, 17.6, 17.7];
    const control = [1.0, 100.0, 4.0, 101.0, 5.0, 102.0, 6.0, 103.0, 7.0, 104.0, 8.0, 105.0, 9.0, 106.0, 17.0];
    expect(classifyKayenta(control, experiment).classification).toBe("Pass");
  });
});

describe("classifyKayenta: branches of §1.3 the suite does not reach", () => {
  it("mustHaveData on a non-critical metric gives NodataFailMetric, not critical", () => {
    const result = classifyKayenta([1, 2, 3], [], { mustHaveData: true, name: "errors" });
    expect(result).toMatchObject({ classification: "NodataFailMetric", critical: false, reason: "Missing data for errors", deviation: 1 });
  });

  it("mustHaveData on a critical metric stays Nodata and critical", () => {
    expect(classifyKayenta([1, 2, 3], [], { mustHaveData: true, isCritical: true })).toMatchObject({ classification: "Nodata", critical: true });
  });

  it("NaNs are removed by default and counted as 0 with replace", () => {
    expect(classifyKayenta([1, 2], [Number.NaN]).classification).toBe("Nodata");
    const replaced = classifyKayenta([0, 0], [Number.NaN, Number.NaN], { nanStrategy: "replace" });
    expect(replaced).toMatchObject({ classification: "Pass", reason: "The Canary and Baseline data are identical" });
  });

  it("identical data in another order pass with deviation 1 and the identical-data reason", () => {
    expect(classifyKayenta([3, 1, 2], [1, 2, 3])).toMatchObject({ classification: "Pass", deviation: 1, interval: null });
  });

  it("a non-finite point makes the classification Error, not critical", () => {
    expect(classifyKayenta([1, 2, 3], [1, 2, Infinity], { isCritical: true })).toMatchObject({ classification: "Error", critical: false, reason: "Metric Classification Failed" });
  });

  it("reports Kayenta's stats of the preprocessed series (sample std)", () => {
    const result = classifyKayenta([1, 1, 1, 10, 10, 10], [2, 3, Number.NaN]);
    expect(result.controlStats).toEqual({ min: 1, max: 10, mean: 5.5, std: expect.closeTo(4.9295, 4) as number, count: 6 });
    expect(result.experimentStats.count).toBe(2);
    expect(classifyKayenta([], [1]).controlStats).toEqual({ min: 0, max: 0, mean: 0, std: 0, count: 0 });
  });

  it("outlier removal with the judge's detector drops a far point before the test", () => {
    const control = [21, 23, 24, 25, 29, 23, 21, 22];
    const result = classifyKayenta(control, [21, 23, 24, 25, 50, 29, 23, 21], { outliers: { strategy: "remove" } });
    expect(result.experimentStats.count).toBe(7);
    expect(classifyKayenta(control, [21, 23, 24, 25, 50, 29, 23, 21]).experimentStats.count).toBe(8);
  });
});

describe("classifyKayenta: properties", () => {
  it("returns a label and never throws on finite data, ties included", () => {
    const series = fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), { maxLength: 12 });
    fc.assert(fc.property(series, series, (control, experiment) => {
      const result = classifyKayenta(control, experiment, { confLevel: 0.95, tolerance: 0.1 });
      expect(["Pass", "High", "Low", "Nodata", "Error"]).toContain(result.classification);
      if (result.interval) expect(Number.isFinite(result.interval.estimate)).toBe(true);
    }));
  });
});
