/** Which change of a metric is a regression. */
export type Direction = "increase" | "decrease" | "either";

/** What one check concluded in one evaluation (DESIGN.md, "Check results and the verdict"). */
export type CheckOutcome = "pass" | "fail" | "inconclusive" | "nodata" | "error";

/** The three evidential outcomes a statistical test can reach on data. */
export type TestOutcome = "pass" | "fail" | "inconclusive";

export type Verdict = "pending" | "continue" | "halt";

/** n, mean, median and 95th percentile (linear interpolation, as R type 7 and NumPy's default). */
export interface SampleSummary {
  n: number;
  mean: number;
  median: number;
  p95: number;
}

/** A point estimate of the change (canary minus baseline unless said otherwise) and its interval. */
export interface EffectInterval {
  estimate: number;
  lower: number;
  upper: number;
}

/** The numbers behind a metric check's outcome; everything a person needs to see why. */
export interface Judgement {
  result: TestOutcome;
  /** One sentence a person understands. */
  summary: string;
  pValue: number | null;
  interval: EffectInterval | null;
  /** Relative change of the compared aggregate, canary vs baseline (0.05 = 5% higher). */
  relativeChange: number | null;
  baseline: SampleSummary | null;
  canary: SampleSummary | null;
  /** Set by tests that decide criticality themselves (Kayenta's critical effect sizes); else the check's. */
  critical?: boolean | undefined;
}

/** Per-step counts of a `counts` check, summed over a window. */
export interface CountTotals {
  errors: number;
  total: number;
}
