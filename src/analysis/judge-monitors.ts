import type { MonitorReport, MonitorState } from "./monitor-types.js";
import type { CheckOutcome } from "./types.js";

export interface MonitorJudgeOptions {
  /** When the rollout started: alerts already firing then are pre-existing. */
  startedAt: Date;
  now: Date;
  /** An alert firing before the rollout started does not block it (a hotfix may ship during its incident). */
  ignorePreexisting: boolean;
  /** NO DATA counts as alerting only with `fail`; `inconclusive` holds the check open; `pass` ignores it. */
  onNoData: "fail" | "inconclusive" | "pass";
  /** Warn states fail too (Datadog's Warn). */
  failOnWarn: boolean;
  /** Zero selected monitors is an error: a typo must not silently pass. */
  requireMatch: boolean;
  maxMonitors: number;
  /** Says what was selected, for messages: e.g. `alertname=~"HighLatency"`. */
  selection: string;
}

/** A monitor that decided (or was left out of) the result, with why. */
export interface MonitorFinding {
  id: string;
  name: string;
  status: MonitorState["status"];
  since: string | null;
  labels: Record<string, string>;
  link: string;
  /** `alerting`: counts against the rollout; the others were left out and say why. */
  verdict: "alerting" | "nodata" | "preexisting" | "muted";
  reason: string;
}

export interface MonitorJudgement {
  result: CheckOutcome;
  summary: string;
  matched: number | null;
  findings: MonitorFinding[];
}

/**
 * Datadog Deployment Gates' monitor rule and Azure's monitor-alerts gate: fail when a selected,
 * unmuted monitor alerts during the canary window; pre-existing alerts are ignored by default; zero or
 * too many selected monitors is an error, so a typo cannot silently pass.
 */
export function judgeMonitors(report: MonitorReport, options: MonitorJudgeOptions): MonitorJudgement {
  const { matched } = report;
  if (options.requireMatch && matched === 0) {
    return { result: "error", summary: `No monitor matches ${options.selection}: check the selection (a typo must not pass silently).`, matched, findings: [] };
  }
  const selected = Math.max(matched ?? 0, report.monitors.length);
  if (selected > options.maxMonitors) {
    return { result: "error", summary: `${selected} monitors match ${options.selection}, more than the limit of ${options.maxMonitors}: narrow the selection.`, matched, findings: [] };
  }
  const findings = report.monitors.flatMap((monitor) => classify(monitor, options));
  const alerting = findings.filter((finding) => finding.verdict === "alerting");
  const noData = findings.filter((finding) => finding.verdict === "nodata");
  const left = findings.filter((finding) => finding.verdict === "preexisting" || finding.verdict === "muted");
  const leftNote = left.length ? ` Left out: ${left.map((finding) => `${finding.name} (${finding.reason})`).join("; ")}.` : "";
  if (alerting.length > 0) {
    const list = alerting.map((finding) => `${finding.name} (${finding.reason})`).join("; ");
    return { result: "fail", summary: `${alerting.length} monitor${alerting.length > 1 ? "s" : ""} alerting since the rollout started: ${list}.${leftNote}`, matched, findings };
  }
  if (noData.length > 0) {
    return { result: "inconclusive", summary: `No data from ${noData.map((finding) => finding.name).join(", ")}; no monitor is alerting.${leftNote}`, matched, findings };
  }
  const counted = matched === null ? "" : ` of ${matched}`;
  return { result: "pass", summary: `No monitor${counted} matching ${options.selection} is alerting.${leftNote}`, matched, findings };
}

function classify(monitor: MonitorState, options: MonitorJudgeOptions): MonitorFinding[] {
  const base = { id: monitor.id, name: monitor.name, status: monitor.status, since: monitor.since, labels: monitor.labels, link: monitor.link };
  const start = options.startedAt.getTime();
  const overlapping = periodsOf(monitor, options).filter((period) => (period.end === null || Date.parse(period.end) >= start) && Date.parse(period.start) <= options.now.getTime());
  if (overlapping.length === 0) return [];
  if (monitor.muted) return [{ ...base, verdict: "muted", reason: "muted or silenced" }];
  const fresh = overlapping.filter((period) => Date.parse(period.start) >= start);
  const relevant = options.ignorePreexisting ? fresh : overlapping;
  if (relevant.length === 0) {
    const since = overlapping[0]?.start ?? monitor.since ?? "before the rollout";
    return [{ ...base, verdict: "preexisting", reason: `alerting since ${since}, before the rollout started at ${options.startedAt.toISOString()}` }];
  }
  const first = relevant[0];
  const ongoing = relevant.some((period) => period.end === null);
  const when = first ? `since ${first.start}${ongoing ? "" : `, resolved ${relevant.at(-1)?.end ?? ""}`}` : "";
  if (relevant.every((period) => period.status === "nodata")) {
    if (options.onNoData === "fail") return [{ ...base, verdict: "alerting", reason: `no data ${when}` }];
    return options.onNoData === "inconclusive" ? [{ ...base, verdict: "nodata", reason: `no data ${when}` }] : [];
  }
  return [{ ...base, verdict: "alerting", reason: `${monitor.status === "warn" ? "warn" : "alert"} ${when}` }];
}

/** Alert periods, plus a warn period when warns fail; NO DATA periods always (classify decides). */
function periodsOf(monitor: MonitorState, options: MonitorJudgeOptions): MonitorState["periods"] {
  const periods = [...monitor.periods];
  if (options.failOnWarn && monitor.status === "warn") periods.push({ status: "alert", start: monitor.since ?? options.startedAt.toISOString(), end: null });
  return periods.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}
