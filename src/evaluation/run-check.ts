import type { CheckDetails, CheckResult, QueryRun } from "../analysis/check-result.js";
import { isSequential, type MetricCheck } from "../analysis/check-schema.js";
import { judgeCheck } from "../analysis/judge-check.js";
import { advanceSequential, type CheckState } from "../analysis/judge-sequential.js";
import { renderTemplate, type TemplateContext } from "../analysis/template.js";
import type { Judgement } from "../analysis/types.js";
import { SourceError, type MetricSource, type QueryWindow } from "../sources/types.js";
import type { Meters } from "../telemetry/meters.js";
import { emptyDetails } from "./empty-details.js";
import { createFetcher, fetchFixedData, fetchSequentialData } from "./fetch-check-data.js";
import type { SharedFetches } from "./shared-fetches.js";

export interface CheckWindows {
  baseline: QueryWindow;
  canary: QueryWindow;
}

export interface RunCheckInput {
  check: MetricCheck;
  source: MetricSource | undefined;
  context: TemplateContext;
  windows: CheckWindows;
  /** Aborts the check's source requests when the evaluation's source timeout passes. */
  signal: AbortSignal;
  /** The false-alarm probability this check may spend (its share of the gate's budget). */
  alpha: number;
  /** A sequential check's state from the previous evaluation. */
  prior: CheckState | null;
  meters: Meters;
  /** Answers already fetched by other checks of this evaluation. */
  sharedFetches?: SharedFetches;
}

export interface RunCheckOutput {
  result: CheckResult;
  /** The sequential state to keep; unchanged (the prior) when the evaluation produced no new state. */
  state: CheckState | null;
}

/** Fetches a metric check's data from its source and judges it. Never throws. */
export async function runCheck(input: RunCheckInput): Promise<RunCheckOutput> {
  const { check, source } = input;
  const runs: QueryRun[] = [];
  const base = baseDetails(check);
  if (!source) {
    const message = `source "${check.source}" is not configured on this server`;
    return { result: errorResult(check, { ...base, error: { kind: "unknown-source", message } }, message), state: input.prior };
  }
  const fetcher = createFetcher(source, input.signal, runs, (template) => renderTemplate(template, input.context), input.meters, input.sharedFetches);
  try {
    if (isSequential(check)) {
      const data = await fetchSequentialData(check, input.windows, input.prior, fetcher);
      if (!data) return { result: noData(check, { ...base, queries: runs }, runs), state: input.prior };
      const { judgement, state } = advanceSequential(check, input.alpha, input.prior, data.input, data.lastTimestamp);
      const details = { ...base, queries: runs, pValue: judgement.pValue, eValue: judgement.eValue, interval: judgement.interval, relativeChange: judgement.interval.estimate, intervalKind: "relative" as const, alpha: input.alpha };
      return { result: { ...resultBase(check), result: judgement.result, summary: `${check.name}: ${judgement.summary}`, details }, state };
    }
    const data = await fetchFixedData(check, input.windows, fetcher);
    if (!data) return { result: noData(check, { ...base, queries: runs }, runs), state: null };
    const judgement: Judgement = judgeCheck(check, data, input.alpha);
    const details: CheckDetails = {
      ...base,
      queries: runs,
      pValue: judgement.pValue,
      interval: judgement.interval,
      intervalKind: check.kind === "counts" ? "ratio" : "absolute",
      relativeChange: judgement.relativeChange,
      baseline: judgement.baseline,
      canary: judgement.canary,
      counts: data.kind === "counts" ? { baseline: data.baseline, canary: data.canary } : null,
      alpha: input.alpha,
    };
    const critical = judgement.critical ?? check.critical;
    return { result: { ...resultBase(check), critical, result: judgement.result, summary: judgement.summary, details }, state: null };
  } catch (error) {
    const kind = error instanceof SourceError ? error.kind : "internal";
    const message =
      error instanceof SourceError
        ? `${check.source}: ${error.message}`
        : `the check could not be judged: ${error instanceof Error ? error.message : String(error)}`;
    return { result: errorResult(check, { ...base, queries: runs, error: { kind, message } }, message), state: input.prior };
  }
}

function noData(check: MetricCheck, details: CheckDetails, runs: QueryRun[]): CheckResult {
  const empty = runs.filter((run) => run.points === 0).map((run) => run.role);
  const which = empty.length ? `the ${empty.join(" and ")} ${empty.length === 1 ? "query" : "queries"} returned no points` : "the queries returned no usable points";
  return { ...resultBase(check), result: "nodata", summary: `No data for ${check.name}: ${which}.`, details };
}

function resultBase(check: MetricCheck): Pick<CheckResult, "name" | "critical" | "weight"> {
  return { name: check.name, critical: check.critical, weight: check.weight };
}

function baseDetails(check: MetricCheck): CheckDetails {
  const test = check.kind === "series" && check.mode === "kayenta" ? "mann-whitney (kayenta)" : check.test;
  return { ...emptyDetails("metric", check.source, test), kind: check.kind, direction: check.direction, tolerance: check.tolerance, confidence: check.confidence };
}

function errorResult(check: MetricCheck, details: CheckDetails, message: string): CheckResult {
  return { ...resultBase(check), result: "error", summary: `Error: ${message}`, details };
}
