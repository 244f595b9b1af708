import type { QueryRun } from "../analysis/check-result.js";
import type { MetricCheck } from "../analysis/check-schema.js";
import type { CheckData } from "../analysis/judge-check.js";
import type { CheckState, SequentialInput } from "../analysis/judge-sequential.js";
import type { HistogramCounts } from "../analysis/sequential/types.js";
import type { CountTotals } from "../analysis/types.js";
import { SourceError, type BucketSeries, type MetricSource, type QueryWindow, type SeriesData } from "../sources/types.js";
import type { Meters } from "../telemetry/meters.js";
import { traceSourceFetch } from "../telemetry/trace-source.js";
import type { CheckWindows } from "./run-check.js";
import { fetchKey, fetchOnce, type SharedFetches } from "./shared-fetches.js";

type Role = QueryRun["role"];

export interface Fetcher {
  series(role: Role, template: string, window: QueryWindow): Promise<SeriesData | null>;
  buckets(role: Role, template: string, window: QueryWindow): Promise<BucketSeries | null>;
}

/**
 * Runs a check's queries against its source, recording each query, its window, point count and link; a query
 * another check of the same evaluation already asked (`shared`) is answered from there.
 */
export function createFetcher(source: MetricSource, signal: AbortSignal, runs: QueryRun[], render: (template: string) => string, meters: Meters, shared?: SharedFetches): Fetcher {
  const record = (role: Role, query: string, window: QueryWindow): QueryRun => {
    const run: QueryRun = { role, query, start: window.start.toISOString(), end: window.end.toISOString(), points: 0, link: source.queryLink ? source.queryLink(query, window) : null };
    runs.push(run);
    return run;
  };
  return {
    async series(role, template, window) {
      const run = record(role, render(template), window);
      const fetch = () => traceSourceFetch(meters, source, role, () => source.queryRange(run.query, window, signal));
      const series = await fetchOnce(shared, fetchKey(source.name, "series", run.query, window), fetch);
      run.points = series ? series.values.filter(Number.isFinite).length : 0;
      if (series) run.sample = thin(finite(series));
      return series;
    },
    async buckets(role, template, window) {
      if (!source.queryBuckets) throw new SourceError("query", `source "${source.name}" (${source.type}) cannot read histograms`);
      const run = record(role, render(template), window);
      const query = source.queryBuckets.bind(source);
      const fetch = () => traceSourceFetch(meters, source, role, () => query(run.query, window, signal));
      const fetched = await fetchOnce(shared, fetchKey(source.name, "buckets", run.query, window), fetch);
      const buckets = fetched ? usableSteps(fetched) : null;
      run.points = buckets?.timestamps.length ?? 0;
      const summed = buckets ? sumHistogram(buckets) : null;
      if (summed) run.histogram = { le: summed.le.map((bound) => (Number.isFinite(bound) ? String(bound) : "+Inf")), counts: [...summed.counts] };
      return buckets;
    },
  };
}

function concurrentOr(check: MetricCheck, windows: CheckWindows): QueryWindow {
  return check.baseline.mode === "concurrent" ? windows.canary : windows.baseline;
}

/** A fixed-horizon check reads both whole windows every time. Null: no data. */
export async function fetchFixedData(check: MetricCheck, windows: CheckWindows, fetch: Fetcher): Promise<CheckData | null> {
  const baselineWindow = concurrentOr(check, windows);
  if (check.kind === "series") {
    const [baseline, canary] = await Promise.all([fetch.series("baseline", check.baselineQuery ?? check.query, baselineWindow), fetch.series("canary", check.query, windows.canary)]);
    // Kayenta's classifier applies its own NaN strategy (remove or replace with 0), so it sees gaps.
    const values = (series: SeriesData | null) => (check.mode === "kayenta" ? (series?.values.slice() ?? []) : finite(series).values);
    const b = values(baseline);
    const c = values(canary);
    return b.length && c.length ? { kind: "series", baseline: b, canary: c } : null;
  }
  if (check.kind === "counts") {
    const [baseline, canary] = await Promise.all([
      countSteps(fetch, "baseline", check.baselineErrors ?? check.errors, check.baselineTotal ?? check.total, baselineWindow),
      countSteps(fetch, "canary", check.errors, check.total, windows.canary),
    ]);
    const b = sumCounts(baseline);
    const c = sumCounts(canary);
    return b && c ? { kind: "counts", baseline: b, canary: c } : null;
  }
  throw new SourceError("query", `histogram checks use sequential tests`);
}

/**
 * A sequential check reads its baseline once (first evaluation) and then only canary steps newer
 * than the last one it consumed. Null: nothing to start from (no baseline or no canary data yet).
 */
export async function fetchSequentialData(
  check: MetricCheck,
  windows: CheckWindows,
  prior: CheckState | null,
  fetch: Fetcher,
): Promise<{ input: SequentialInput; lastTimestamp: number } | null> {
  const started = prior !== null;
  const canaryWindow: QueryWindow = started ? { ...windows.canary, start: new Date((prior.lastTimestamp + windows.canary.stepSeconds) * 1000) } : windows.canary;
  const hasNewWindow = canaryWindow.start.getTime() <= canaryWindow.end.getTime();
  const last = (timestamps: number[]) => (timestamps.length ? Math.max(...timestamps) : (prior?.lastTimestamp ?? 0));

  if (check.kind === "series") {
    const [baseline, canary] = await Promise.all([
      started ? null : fetch.series("baseline", check.baselineQuery ?? check.query, windows.baseline),
      hasNewWindow ? fetch.series("canary", check.query, canaryWindow) : null,
    ]);
    const points = finite(canary);
    const baselineValues = started ? null : finite(baseline).values;
    if (!started && (!baselineValues?.length || points.values.length === 0)) return null;
    return { input: { kind: "series", baseline: baselineValues, canary: points.values }, lastTimestamp: last(points.timestamps) };
  }

  if (check.kind === "counts" && check.baseline.mode === "concurrent") {
    const [canary, control] = await Promise.all([
      hasNewWindow ? fetch.series("canaryErrors", check.errors, canaryWindow) : null,
      hasNewWindow ? fetch.series("baselineErrors", check.baselineErrors ?? check.errors, canaryWindow) : null,
    ]);
    const [c, b] = [byTimestamp(canary), byTimestamp(control)];
    const timestamps = [...new Set([...c.keys(), ...b.keys()])].sort((x, y) => x - y);
    if (!started && timestamps.length === 0) return null;
    const steps = timestamps.map((t) => ({ canary: Math.max(0, c.get(t) ?? 0), baseline: Math.max(0, b.get(t) ?? 0) }));
    return { input: { kind: "counts-concurrent", canary: steps }, lastTimestamp: last(timestamps) };
  }

  if (check.kind === "counts") {
    const [baseline, canary] = await Promise.all([
      started ? null : countSteps(fetch, "baseline", check.baselineErrors ?? check.errors, check.baselineTotal ?? check.total, windows.baseline),
      hasNewWindow ? countSteps(fetch, "canary", check.errors, check.total, canaryWindow) : [],
    ]);
    const baselineTotals = started ? null : sumCounts(baseline ?? []);
    if (!started && (!baselineTotals || canary.length === 0)) return null;
    return { input: { kind: "counts", baseline: baselineTotals, canary: canary.map(({ errors, total }) => ({ errors, total })) }, lastTimestamp: last(canary.map((step) => step.timestamp)) };
  }

  const [baseline, canary] = await Promise.all([
    started ? null : fetch.buckets("baselineBuckets", check.baselineQuery ?? check.query, windows.baseline),
    hasNewWindow ? fetch.buckets("canaryBuckets", check.query, canaryWindow) : null,
  ]);
  const baselineHistogram = baseline ? sumHistogram(baseline) : null;
  const steps = canary ? canary.timestamps.map((_, index) => ({ le: canary.le, counts: canary.counts[index] ?? [] })) : [];
  if (!started && (!baselineHistogram || steps.length === 0)) return null;
  return { input: { kind: "histogram", baseline: baselineHistogram, canary: steps }, lastTimestamp: last(canary?.timestamps ?? []) };
}

const SAMPLE_POINTS = 240;

/** Keeps every k-th point so a chart stays small; the last point is always kept. */
function thin(points: { timestamps: number[]; values: number[] }): Array<[number, number]> {
  const stride = Math.max(1, Math.ceil(points.values.length / SAMPLE_POINTS));
  const sample: Array<[number, number]> = [];
  for (let i = 0; i < points.values.length; i += stride) sample.push([points.timestamps[i] ?? 0, points.values[i] ?? 0]);
  const last = points.values.length - 1;
  if (last >= 0 && (last % stride) !== 0) sample.push([points.timestamps[last] ?? 0, points.values[last] ?? 0]);
  return sample;
}

function finite(series: SeriesData | null): { timestamps: number[]; values: number[] } {
  if (!series) return { timestamps: [], values: [] };
  const keep = series.values.map((value) => Number.isFinite(value));
  return { timestamps: series.timestamps.filter((_, i) => keep[i]), values: series.values.filter((_, i) => keep[i]) };
}

function byTimestamp(series: SeriesData | null): Map<number, number> {
  const { timestamps, values } = finite(series);
  return new Map(timestamps.map((t, i) => [t, values[i] ?? 0]));
}

// Per-step counts past 2^53 are not counts (no longer exact integers, and their sums overflow): such steps are dropped.
const MAX_STEP_COUNT = Number.MAX_SAFE_INTEGER;

/**
 * Per-step errors and totals, joined on the total's timestamps. An error counter that selects no
 * series counts as zero errors, because Prometheus error counters often do not exist until the
 * first error; steps without a total are skipped.
 */
async function countSteps(fetch: Fetcher, side: "baseline" | "canary", errorsQuery: string, totalQuery: string, window: QueryWindow) {
  const [errors, total] = await Promise.all([fetch.series(`${side}Errors`, errorsQuery, window), fetch.series(`${side}Total`, totalQuery, window)]);
  const errorsAt = byTimestamp(errors);
  const totals = finite(total);
  return totals.timestamps
    .map((timestamp, i) => ({ timestamp, total: Math.max(0, totals.values[i] ?? 0), errors: Math.max(0, errorsAt.get(timestamp) ?? 0) }))
    .filter((step) => step.total <= MAX_STEP_COUNT)
    .map((step) => ({ ...step, errors: Math.min(step.errors, step.total) }));
}

function sumCounts(steps: Array<{ errors: number; total: number }>): CountTotals | null {
  const totals = steps.reduce((acc, step) => ({ errors: acc.errors + step.errors, total: acc.total + step.total }), { errors: 0, total: 0 });
  return totals.total > 0 ? totals : null;
}

/**
 * Keeps the steps a histogram test can read: every count finite, 0 to 2^53, and cumulative
 * (not falling as `le` grows). A counter reset or a scrape gap shows up as such a step; it is
 * dropped rather than judged, like NaN points of a series.
 */
function usableSteps(series: BucketSeries): BucketSeries {
  const isUsable = (counts: number[]) =>
    counts.length === series.le.length && counts.every((count, i) => Number.isFinite(count) && count >= 0 && count <= MAX_STEP_COUNT && (i === 0 || count >= (counts[i - 1] ?? 0)));
  const keep = series.counts.map((counts) => isUsable(counts));
  return { le: series.le, timestamps: series.timestamps.filter((_, i) => keep[i]), counts: series.counts.filter((_, i) => keep[i]) };
}

function sumHistogram(series: BucketSeries): HistogramCounts | null {
  if (series.timestamps.length === 0) return null;
  const counts = series.le.map((_, bucket) => series.counts.reduce((sum, step) => sum + (step[bucket] ?? 0), 0));
  return (counts.at(-1) ?? 0) > 0 ? { le: series.le, counts } : null;
}
