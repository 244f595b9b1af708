import type { CheckOutcome, CountTotals, Direction, EffectInterval, SampleSummary } from "./types.js";

/** One query a check ran, over one window, with a link to it in the source's own UI. */
export interface QueryRun {
  role: "baseline" | "canary" | "baselineErrors" | "baselineTotal" | "canaryErrors" | "canaryTotal";
  query: string;
  start: string;
  end: string;
  points: number;
  link: string | null;
}

/** The numbers behind one check result, stored as JSON and shown on the investigation page. */
export interface CheckDetails {
  type: "metric";
  kind: "series" | "counts";
  source: string;
  test: string | null;
  direction: Direction;
  tolerance: number;
  confidence: number;
  pValue: number | null;
  interval: EffectInterval | null;
  relativeChange: number | null;
  baseline: SampleSummary | null;
  canary: SampleSummary | null;
  counts: { baseline: CountTotals; canary: CountTotals } | null;
  queries: QueryRun[];
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
