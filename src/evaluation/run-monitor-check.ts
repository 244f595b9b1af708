import type { CheckResult } from "../analysis/check-result.js";
import type { MonitorCheck } from "../analysis/check-schema.js";
import { judgeMonitors } from "../analysis/judge-monitors.js";
import { renderTemplate, type TemplateContext } from "../analysis/template.js";
import { SourceError, type MonitorQuery, type MonitorSource } from "../sources/types.js";
import type { Meters } from "../telemetry/meters.js";
import { traceSourceFetch } from "../telemetry/trace-source.js";
import { emptyDetails } from "./empty-details.js";

/** How far before the rollout start monitors are read, to tell pre-existing alerts from new ones. */
const LOOKBACK_MS = 60 * 60_000;

export interface RunMonitorCheckInput {
  check: MonitorCheck;
  source: MonitorSource | undefined;
  context: TemplateContext;
  startedAt: Date;
  now: Date;
  onNoData: "fail" | "inconclusive" | "pass";
  /** Aborts the request when the evaluation's source timeout passes. */
  signal: AbortSignal;
  meters: Meters;
}

/** Reads the selected monitors' states over the rollout and judges them. Never throws. */
export async function runMonitorCheck(input: RunMonitorCheckInput): Promise<CheckResult> {
  const { check, source } = input;
  const details = emptyDetails("monitor", check.source, "monitor");
  const base = { name: check.name, critical: check.critical, weight: check.weight };
  if (!source) {
    const message = `source "${check.source}" serves no monitors on this server`;
    return { ...base, result: "error", summary: `Error: ${message}`, details: { ...details, error: { kind: "unknown-source", message } } };
  }
  const query: MonitorQuery = {
    alertname: check.alertname,
    selector: check.selector === undefined ? undefined : renderTemplate(check.selector, input.context),
    search: check.query === undefined ? undefined : renderTemplate(check.query, input.context),
    ids: check.monitorIds?.map(String),
  };
  const selection = describeSelection(query);
  try {
    const window = { start: new Date(input.startedAt.getTime() - LOOKBACK_MS), end: input.now };
    const report = await traceSourceFetch(input.meters, source, "monitors", () => source.listMonitors(query, window, input.signal));
    const judgement = judgeMonitors(report, {
      startedAt: input.startedAt,
      now: input.now,
      ignorePreexisting: check.ignorePreexisting,
      onNoData: input.onNoData,
      failOnWarn: check.failOnWarn,
      requireMatch: check.requireMatch,
      maxMonitors: check.maxMonitors,
      selection,
    });
    const error = judgement.result === "error" ? { kind: "selection", message: judgement.summary } : null;
    return { ...base, result: judgement.result, summary: `${check.name}: ${judgement.summary}`, details: { ...details, matched: judgement.matched, monitors: judgement.findings, error } };
  } catch (caught) {
    const message = caught instanceof SourceError ? `${check.source}: ${caught.message}` : `the monitors could not be read: ${caught instanceof Error ? caught.message : String(caught)}`;
    const kind = caught instanceof SourceError ? caught.kind : "internal";
    return { ...base, result: "error", summary: `Error: ${message}`, details: { ...details, error: { kind, message } } };
  }
}

function describeSelection(query: MonitorQuery): string {
  const parts: string[] = [];
  if (query.alertname) parts.push(`alertname=~"${query.alertname}"`);
  if (query.selector) parts.push(`{${query.selector}}`);
  if (query.search) parts.push(`search ${query.search}`);
  if (query.ids) parts.push(`monitors ${query.ids.join(", ")}`);
  return parts.join(" ");
}
