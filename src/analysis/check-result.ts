import type { MonitorFinding } from "./judge-monitors.js";
import type { CheckOutcome, CountTotals, Direction, EffectInterval, SampleSummary } from "./types.js";

/** One query a check ran, over one window, with a link to it in the source's own UI. */
export interface QueryRun {
  role: "baseline" | "canary" | "baselineErrors" | "baselineTotal" | "canaryErrors" | "canaryTotal" | "baselineBuckets" | "canaryBuckets";
  query: string;
  start: string;
  end: string;
  points: number;
  link: string | null;
  /** What the query returned, thinned to at most a few hundred [unix seconds, value] points, for charts. */
  sample?: Array<[number, number]>;
  /** Bucket queries: the counts summed over the window, per upper bound (`+Inf` last). */
  histogram?: { le: string[]; counts: number[] };
}

/** The numbers behind one check result, stored as JSON and shown on the investigation page. */
export interface CheckDetails {
  type: "metric" | "monitor" | "http" | "condition";
  /** Metric checks: the kind of data; null for monitor and http checks. */
  kind: "series" | "counts" | "histogram" | null;
  source: string;
  test: string | null;
  direction: Direction | null;
  tolerance: number | null;
  confidence: number | null;
  /** The false-alarm probability this check spends (its share of the gate's budget). */
  alpha: number | null;
  pValue: number | null;
  /** Anytime-valid tests: the running maximum e-value (evidence against "no regression"). */
  eValue: number | null;
  interval: EffectInterval | null;
  /** What the interval measures: an absolute shift (canary − baseline), a relative change, or a rate ratio. */
  intervalKind: "absolute" | "relative" | "ratio" | null;
  relativeChange: number | null;
  baseline: SampleSummary | null;
  canary: SampleSummary | null;
  counts: { baseline: CountTotals; canary: CountTotals } | null;
  queries: QueryRun[];
  /** Monitor checks: how many monitors the selection matched, and those that decided or were left out. */
  matched?: number | null;
  monitors?: MonitorFinding[];
  /** Http checks: the values the JSONPath picked and the condition they were judged by. */
  http?: { url: string; values: unknown[]; condition: string } | null;
  /** Set when the outcome is `error`: what failed, safe to show. */
  error: { kind: string; message: string } | null;
  /** The raw outcome before the gate's onNoData/onError mapping, when that mapping changed it. */
  rawResult: CheckOutcome | null;
}

/** One check's outcome in one evaluation. */
export interface CheckResult {
  name: string;
  result: CheckOutcome;
  critical: boolean;
  weight: number;
  summary: string;
  details: CheckDetails;
  /** The check's own fail-open / fail-closed choices, over the gate's. */
  onNoData?: "fail" | "inconclusive" | "pass" | undefined;
  onError?: "fail" | "inconclusive" | "pass" | undefined;
  /** Recorded but never deciding the verdict. */
  dryRun?: boolean | undefined;
  /** A condition check in its middle band: a person must decide. */
  needsApproval?: boolean | undefined;
}

/** The short form of a check result a verdict carries. */
export interface CheckSummary {
  name: string;
  result: CheckOutcome;
  critical: boolean;
  summary: string;
}

export function summarizeCheck(result: CheckResult): CheckSummary {
  return { name: result.name, result: result.result, critical: result.critical, summary: result.summary };
}
