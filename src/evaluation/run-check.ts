import type { CheckDetails, CheckResult, QueryRun } from "../analysis/check-result.js";
import type { MetricCheck } from "../analysis/gate.js";
import { judgeCheck, type CheckData } from "../analysis/judge-check.js";
import { renderTemplate, type TemplateContext } from "../analysis/template.js";
import type { CountTotals } from "../analysis/types.js";
import { SourceError, type MetricSource, type QueryWindow, type SeriesData } from "../sources/types.js";

export interface CheckWindows {
  baseline: QueryWindow;
  canary: QueryWindow;
}

export interface RunCheckInput {
  check: MetricCheck;
  source: MetricSource | undefined;
  context: TemplateContext;
  windows: CheckWindows;
  timeoutMs: number;
}

type Role = QueryRun["role"];

/** Fetches a metric check's baseline and canary data from its source and judges it. Never throws. */
export async function runCheck(input: RunCheckInput): Promise<CheckResult> {
  const { check, source } = input;
  const runs: QueryRun[] = [];
  const base = baseDetails(check);
  if (!source) {
    const message = `source "${check.source}" is not configured on this server`;
    return errorResult(check, { ...base, error: { kind: "unknown-source", message } }, message);
  }
  const signal = AbortSignal.timeout(input.timeoutMs);
  const fetchOne = async (role: Role, template: string, window: QueryWindow): Promise<SeriesData | null> => {
    const query = renderTemplate(template, input.context);
    const run: QueryRun = {
      role,
      query,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      points: 0,
      link: source.queryLink ? source.queryLink(query, window) : null,
    };
    runs.push(run);
    const series = await source.queryRange(query, window, signal);
    run.points = series ? series.values.filter(Number.isFinite).length : 0;
    return series;
  };

  try {
    const data = await fetchCheckData(check, input, fetchOne);
    const details = { ...base, queries: runs };
    if (!data) return { ...resultBase(check), result: "nodata", summary: noDataSummary(check, runs), details };
    const judgement = judgeCheck(check, data);
    return {
      ...resultBase(check),
      result: judgement.result,
      summary: judgement.summary,
      details: {
        ...details,
        pValue: judgement.pValue,
        interval: judgement.interval,
        relativeChange: judgement.relativeChange,
        baseline: judgement.baseline,
        canary: judgement.canary,
        counts: data.kind === "counts" ? { baseline: data.baseline, canary: data.canary } : null,
      },
    };
  } catch (error) {
    const kind = error instanceof SourceError ? error.kind : "internal";
    const message =
      error instanceof SourceError
        ? `${check.source}: ${error.message}`
        : `the check could not be judged: ${error instanceof Error ? error.message : String(error)}`;
    return errorResult(check, { ...base, queries: runs, error: { kind, message } }, message);
  }
}

type FetchOne = (role: Role, template: string, window: QueryWindow) => Promise<SeriesData | null>;

async function fetchCheckData(check: MetricCheck, input: RunCheckInput, fetchOne: FetchOne): Promise<CheckData | null> {
  const { baseline, canary } = input.windows;
  if (check.kind === "series") {
    const [baselineSeries, canarySeries] = await Promise.all([
      fetchOne("baseline", check.baselineQuery ?? check.query, baseline),
      fetchOne("canary", check.query, canary),
    ]);
    const baselineValues = finiteValues(baselineSeries);
    const canaryValues = finiteValues(canarySeries);
    if (baselineValues.length === 0 || canaryValues.length === 0) return null;
    return { kind: "series", baseline: baselineValues, canary: canaryValues };
  }
  const [baselineErrors, baselineTotal, canaryErrors, canaryTotal] = await Promise.all([
    fetchOne("baselineErrors", check.baselineErrors ?? check.errors, baseline),
    fetchOne("baselineTotal", check.baselineTotal ?? check.total, baseline),
    fetchOne("canaryErrors", check.errors, canary),
    fetchOne("canaryTotal", check.total, canary),
  ]);
  const baselineCounts = totals(baselineErrors, baselineTotal);
  const canaryCounts = totals(canaryErrors, canaryTotal);
  if (!baselineCounts || !canaryCounts) return null;
  return { kind: "counts", baseline: baselineCounts, canary: canaryCounts };
}

function finiteValues(series: SeriesData | null): number[] {
  return series ? series.values.filter(Number.isFinite) : [];
}

/**
 * Sums per-step counts. An error counter that selects no series counts as zero errors, because
 * Prometheus counters of errors often do not exist until the first error; no total is no data.
 */
function totals(errors: SeriesData | null, total: SeriesData | null): CountTotals | null {
  const sum = (values: number[]) => values.reduce((acc, value) => acc + value, 0);
  const totalValues = finiteValues(total);
  if (totalValues.length === 0) return null;
  const totalSum = sum(totalValues);
  if (totalSum <= 0) return null;
  return { errors: sum(finiteValues(errors)), total: totalSum };
}

function noDataSummary(check: MetricCheck, runs: QueryRun[]): string {
  const empty = runs.filter((run) => run.points === 0).map((run) => run.role);
  return `No data for ${check.name}: the ${empty.join(" and ")} ${empty.length === 1 ? "query" : "queries"} returned no points.`;
}

function resultBase(check: MetricCheck): Pick<CheckResult, "name" | "critical" | "weight"> {
  return { name: check.name, critical: check.critical, weight: check.weight };
}

function baseDetails(check: MetricCheck): CheckDetails {
  return {
    type: "metric",
    kind: check.kind,
    source: check.source,
    test: check.test,
    direction: check.direction,
    tolerance: check.tolerance,
    confidence: check.confidence,
    pValue: null,
    interval: null,
    relativeChange: null,
    baseline: null,
    canary: null,
    counts: null,
    queries: [],
    error: null,
    rawResult: null,
  };
}

function errorResult(check: MetricCheck, details: CheckDetails, message: string): CheckResult {
  return { ...resultBase(check), result: "error", summary: `Error: ${message}`, details };
}
