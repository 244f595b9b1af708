import { readFileSync } from "node:fs";

/** Kayenta's own test vectors, copied from its Scala suites into shared/data (see research/kayenta.md §4). */
export interface ClassifierVector {
  id: string;
  params: {
    tolerance: number;
    confLevel: number;
    effectSizeThresholds: [number, number];
    criticalThresholds: [number, number];
    effectSizeMeasure: "meanRatio" | "cles";
    direction: "either" | "increase" | "decrease";
    nanStrategy: "remove" | "replace";
    isCriticalMetric: boolean;
    isDataRequired: boolean;
  };
  experiment: number[];
  control: number[];
  expected: { classification?: string; critical?: boolean; deviation?: number | "NaN"; reasonNonEmpty?: boolean };
}

export interface RankSumVector {
  id: string;
  x?: number[];
  y?: number[];
  x_experiment?: number[];
  y_control?: number[];
  confLevel?: number;
  expected: Record<string, number>;
  tolerance: number | { ci: number; estimate: number };
}

export const kayentaVectors = JSON.parse(
  readFileSync(new URL("../../../../shared/data/kayenta-test-vectors.json", import.meta.url), "utf8"),
) as { classifier: ClassifierVector[]; mannWhitney: RankSumVector[] };
