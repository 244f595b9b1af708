import type { CheckDetails, QueryRun } from "../../analysis/check-result.js";

export type Point = [number, number];
type Role = QueryRun["role"];

/**
 * One role's points across a rollout's evaluations, oldest evaluation first. A sequential check reads
 * only the steps after the last one it consumed, so a run that starts after the points gathered so far
 * extends them; a fixed-horizon check re-reads its whole window, so a run that starts earlier replaces
 * them (its latest read is the complete one).
 */
export function pointsOf(history: readonly CheckDetails[], role: Role): Point[] {
  let points: Point[] = [];
  for (const details of history) {
    for (const run of details.queries ?? []) {
      if (run.role !== role || !run.sample) continue;
      const lastSeen = points.at(-1)?.[0];
      const startsAfter = lastSeen !== undefined && Date.parse(run.start) / 1000 > lastSeen;
      points = startsAfter ? [...points, ...run.sample] : [...run.sample];
    }
  }
  return points;
}

export interface SeriesChartData {
  baseline: Point[];
  canary: Point[];
}

export function seriesChartData(history: readonly CheckDetails[]): SeriesChartData {
  return { baseline: pointsOf(history, "baseline"), canary: pointsOf(history, "canary") };
}

export interface RateSide {
  /** Per step: [unix seconds, errors ÷ total], or errors alone when the check has no total query. */
  points: Point[];
  errors: number;
  total: number | null;
  steps: number;
}

export interface RateChartData {
  /** `rate`: errors per request; `errors`: error counts per step (concurrent baselines have no totals). */
  unit: "rate" | "errors";
  baseline: RateSide;
  canary: RateSide;
}

function rateSide(history: readonly CheckDetails[], side: "baseline" | "canary"): RateSide {
  const errors = pointsOf(history, `${side}Errors`);
  const totals = pointsOf(history, `${side}Total`);
  const errorSum = errors.reduce((sum, [, value]) => sum + value, 0);
  if (totals.length === 0) return { points: errors, errors: errorSum, total: null, steps: errors.length };
  // An error counter that selects no series counts as zero errors at that step, as the checks read it.
  const errorsAt = new Map(errors);
  const points: Point[] = totals.filter(([, total]) => total > 0).map(([t, total]) => [t, Math.min(errorsAt.get(t) ?? 0, total) / total]);
  const totalSum = totals.reduce((sum, [, value]) => sum + value, 0);
  const countedErrors = totals.reduce((sum, [t, total]) => sum + Math.min(errorsAt.get(t) ?? 0, total), 0);
  return { points, errors: countedErrors, total: totalSum, steps: totals.length };
}

export function rateChartData(history: readonly CheckDetails[]): RateChartData {
  const baseline = rateSide(history, "baseline");
  const canary = rateSide(history, "canary");
  return { unit: baseline.total === null && canary.total === null ? "errors" : "rate", baseline, canary };
}

export interface BucketChartData {
  /** Bucket labels, e.g. "≤ 0.1" and "> 2.5" for the +Inf bucket. */
  labels: string[];
  /** Share of requests in each bucket (not cumulative), per side; null when that side was never read. */
  baseline: number[] | null;
  canary: number[] | null;
  totals: { baseline: number; canary: number };
}

type Histogram = NonNullable<QueryRun["histogram"]>;

/**
 * A role's bucket counts over the rollout: runs over new windows add up (sequential checks read only
 * new steps); a run over a window that starts where the previous one did replaces it.
 */
function histogramOf(history: readonly CheckDetails[], role: Role): Histogram | null {
  let summed: Histogram | null = null;
  let lastStart: string | null = null;
  for (const details of history) {
    for (const run of details.queries ?? []) {
      if (run.role !== role || !run.histogram) continue;
      const sameBounds = summed !== null && summed.le.join() === run.histogram.le.join();
      if (summed && sameBounds && run.start !== lastStart) {
        const previous: Histogram = summed;
        summed = { le: previous.le, counts: previous.counts.map((count, i) => count + (run.histogram?.counts[i] ?? 0)) };
      } else {
        summed = { le: [...run.histogram.le], counts: [...run.histogram.counts] };
      }
      lastStart = run.start;
    }
  }
  return summed;
}

/** Cumulative Prometheus bucket counts (ascending `le`, +Inf last) as the share of requests per bucket. */
function shares(histogram: Histogram): { shares: number[]; total: number } {
  const total = histogram.counts.at(-1) ?? 0;
  const own = histogram.counts.map((count, i) => Math.max(0, count - (i > 0 ? (histogram.counts[i - 1] ?? 0) : 0)));
  return { shares: own.map((count) => (total > 0 ? count / total : 0)), total };
}

function bucketLabels(le: readonly string[]): string[] {
  return le.map((bound, i) => (bound === "+Inf" ? `> ${le[i - 1] ?? "0"}` : `≤ ${bound}`));
}

export function bucketChartData(history: readonly CheckDetails[]): BucketChartData | null {
  const baseline = histogramOf(history, "baselineBuckets");
  const canary = histogramOf(history, "canaryBuckets");
  const le = baseline?.le ?? canary?.le;
  if (!le) return null;
  const b = baseline && baseline.le.join() === le.join() ? shares(baseline) : null;
  const c = canary && canary.le.join() === le.join() ? shares(canary) : null;
  return { labels: bucketLabels(le), baseline: b?.shares ?? null, canary: c?.shares ?? null, totals: { baseline: b?.total ?? 0, canary: c?.total ?? 0 } };
}

/** n, mean, median and p95 (linear interpolation, R type 7) of sampled points; null without points. */
export function summarize(points: readonly Point[]): { n: number; mean: number; median: number; p95: number } | null {
  if (points.length === 0) return null;
  const values = points.map(([, value]) => value).sort((a, b) => a - b);
  const quantile = (q: number) => {
    const h = (values.length - 1) * q;
    const low = values[Math.floor(h)]!;
    return low + (h - Math.floor(h)) * (values[Math.ceil(h)]! - low);
  };
  return { n: values.length, mean: values.reduce((sum, value) => sum + value, 0) / values.length, median: quantile(0.5), p95: quantile(0.95) };
}
