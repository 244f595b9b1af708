import { z } from "zod";
import { fetchJson } from "./http-client.js";
import { formatLabelSet, formatMatcher, matchesAll, matchesValue, monitorQueryMatchers } from "./label-matchers.js";
import { sourceSettings } from "./source-settings.js";
import { SourceError, type MonitorQuery, type MonitorReport, type MonitorSource, type MonitorState } from "./types.js";

export interface PrometheusAlertsSourceOptions {
  name: string;
  /** Base URL of the server, e.g. http://prometheus:9090 (a path prefix is kept). */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

// https://prometheus.io/docs/prometheus/latest/querying/api/ (format overview, rules, range queries)
const Envelope = z.discriminatedUnion("status", [
  z.object({ status: z.literal("success"), data: z.unknown() }),
  z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() }),
]);
const Labels = z.record(z.string(), z.string());
const RulesData = z.object({
  groups: z.array(
    z.object({
      rules: z.array(
        z.object({
          type: z.string(),
          name: z.string(),
          /** The rule's `for`, in seconds. */
          duration: z.number().default(0),
          labels: Labels.nullish(),
          alerts: z.array(z.object({ labels: Labels, state: z.string(), activeAt: z.string().nullish() })).nullish(),
        }),
      ),
    }),
  ),
});
const MatrixData = z.object({
  resultType: z.literal("matrix"),
  result: z.array(z.object({ metric: Labels, values: z.array(z.tuple([z.number(), z.string()])) })),
});

type Period = MonitorState["periods"][number];

/** Enough points to see every firing run without a huge answer; never finer than a usual scrape. */
const MAX_POINTS = 500;
const MIN_STEP_SECONDS = 15;

/**
 * Alerting rules of one Prometheus server as monitors. `matched` counts the alerting rules the query can
 * select: the name matches `alertname` and no static rule label contradicts a selector matcher (labels
 * that come from the series are unknown until the rule fires, so they never exclude a rule). Monitors
 * are the alert instances firing now or during the window; pending alerts do not count as firing.
 */
export function createPrometheusAlertsSource(options: PrometheusAlertsSourceOptions): MonitorSource {
  const base = options.url.endsWith("/") ? options.url : `${options.url}/`;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function get<T>(path: string, params: Record<string, string>, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const url = new URL(path, base);
    url.search = new URLSearchParams(params).toString();
    // 400 (bad_data) and 422 (execution) carry Prometheus's own explanation in the JSON envelope.
    const body = await fetchJson(url.toString(), { headers: options.headers, timeoutMs, signal, acceptStatuses: [400, 422] });
    const envelope = Envelope.safeParse(body);
    if (!envelope.success) throw new SourceError("bad-response", `${options.name}: not a Prometheus API answer from ${path}`);
    if (envelope.data.status === "error") {
      throw new SourceError("query", `Prometheus rejected the request (${envelope.data.errorType}): ${envelope.data.error}`);
    }
    const data = schema.safeParse(envelope.data.data);
    if (!data.success) throw new SourceError("bad-response", `${options.name}: unexpected answer shape from ${path}`);
    return data.data;
  }

  function graphLink(expr: string, window: { start: Date; end: Date }, stepSeconds: number): string {
    const link = new URL("graph", base);
    link.username = "";
    link.password = "";
    const rangeSeconds = Math.max(1, Math.round((window.end.getTime() - window.start.getTime()) / 1000));
    link.search = [
      `g0.expr=${encodeURIComponent(expr)}`,
      "g0.tab=0",
      `g0.range_input=${rangeSeconds}s`,
      `g0.end_input=${encodeURIComponent(window.end.toISOString())}`,
      `g0.step_input=${stepSeconds}`,
    ].join("&");
    return link.toString();
  }

  return {
    name: options.name,
    type: "prometheus",
    settings: sourceSettings({ url: options.url, timeoutMs, headers: options.headers }),

    async listMonitors(query: MonitorQuery, window: { start: Date; end: Date }, signal?: AbortSignal): Promise<MonitorReport> {
      const matchers = monitorQueryMatchers(query);
      const steps = planSteps(window);
      const selector = `{${[{ name: "alertstate", op: "=", value: "firing" } as const, ...matchers].map(formatMatcher).join(", ")}}`;
      // The range function catches runs shorter than a step; the plain selector bridges rule intervals
      // longer than a step (lookback), and ends at the stale marker Prometheus writes on resolution.
      const expr = `max_over_time(ALERTS${selector}[${steps.step}s]) or max without () (ALERTS${selector})`;
      const params = { query: expr, start: String(steps.start), end: String(steps.end), step: String(steps.step) };
      const [rules, history] = await Promise.all([
        get("api/v1/rules", { type: "alert" }, RulesData, signal),
        steps.end > steps.windowStart ? get("api/v1/query_range", params, MatrixData, signal) : Promise.resolve({ result: [] }),
      ]);

      const alertingRules = rules.groups.flatMap((g) => g.rules).filter((r) => r.type === "alerting");
      const matched = alertingRules.filter((rule) => {
        const fixed: Record<string, string> = { ...rule.labels, alertname: rule.name };
        return matchers.every((m) => {
          const value = fixed[m.name];
          return value === undefined || matchesValue(m, value);
        });
      }).length;

      const firing = new Map<string, { labels: Record<string, string>; since: string | null }>();
      for (const rule of alertingRules) {
        for (const alert of rule.alerts ?? []) {
          if (alert.state !== "firing" || !matchesAll(matchers, alert.labels)) continue;
          firing.set(formatLabelSet(alert.labels), { labels: alert.labels, since: firingSince(alert.activeAt, rule.duration) });
        }
      }
      const seen = new Map<string, { labels: Record<string, string>; runs: Run[] }>();
      for (const series of history.result) {
        const { alertstate: _state, __name__: _name, ...labels } = series.metric;
        seen.set(formatLabelSet(labels), { labels, runs: toRuns(series.values.map(([t]) => t), steps.step) });
      }

      const monitors: MonitorState[] = [];
      for (const id of new Set([...firing.keys(), ...seen.keys()])) {
        const current = firing.get(id);
        const past = seen.get(id);
        const labels = current?.labels ?? past?.labels ?? {};
        const periods = current ? withCurrentPeriod(past?.runs ?? [], current.since, steps) : toPeriods(past?.runs ?? [], steps);
        if (periods.length === 0) continue;
        monitors.push({
          id: `${labels.alertname ?? ""}${id}`,
          name: labels.alertname ?? "",
          status: current ? "alert" : "ok",
          muted: false,
          since: current ? current.since : (periods.at(-1)?.end ?? null),
          labels,
          periods,
          link: graphLink(`ALERTS${id}`, window, steps.step),
        });
      }
      monitors.sort((a, b) => Number(b.status === "alert") - Number(a.status === "alert") || a.id.localeCompare(b.id));
      return { matched, monitors };
    },
  };
}

/** Range-query steps (seconds) that end exactly at the window's end, or now if sooner. */
interface Steps {
  windowStart: number;
  windowEnd: number;
  start: number;
  end: number;
  step: number;
}

function planSteps(window: { start: Date; end: Date }): Steps {
  const windowStart = window.start.getTime() / 1000;
  const windowEnd = window.end.getTime() / 1000;
  // Steps after "now" would still see the last sample through the lookback and invent firing.
  const end = Math.min(windowEnd, Date.now() / 1000);
  const step = Math.max(MIN_STEP_SECONDS, Math.ceil((end - windowStart) / MAX_POINTS));
  // Aligned on the end, so the last step covers the most recent moments instead of stopping short of them.
  const start = end - Math.max(0, Math.ceil((end - windowStart) / step)) * step;
  return { windowStart, windowEnd, start, end, step };
}

/** An alert turns from pending to firing once it has been active for the rule's `for`. */
function firingSince(activeAt: string | null | undefined, forSeconds: number): string | null {
  const at = activeAt ? Date.parse(activeAt) : Number.NaN;
  return Number.isNaN(at) ? null : new Date(at + forSeconds * 1000).toISOString();
}

/** First and last step (seconds) of one run of consecutive steps in which the alert was firing. */
interface Run {
  first: number;
  last: number;
}

function toRuns(timestamps: number[], step: number): Run[] {
  const runs: Run[] = [];
  for (const t of timestamps) {
    const run = runs.at(-1);
    if (run && t - run.last <= step * 1.001) run.last = t;
    else runs.push({ first: t, last: t });
  }
  return runs;
}

/**
 * A step sees the alert if it fired at any moment of the step before it. A period starts at the first
 * step that saw it (the real start is at most a step earlier: rather late than counted as pre-existing)
 * and ends at the first step that no longer did, or at the end of the queried range.
 */
function toPeriods(runs: Run[], steps: Steps): Period[] {
  return runs.map((run) => ({
    status: "alert",
    start: iso(Math.max(steps.windowStart, run.first)),
    end: iso(Math.min(run.last + steps.step, steps.end)),
  }));
}

/**
 * A firing alert's episode began at `since` (exact, from the API) and has not ended: runs that reach it
 * within a step are the same episode and fold into one open period, clipped to the window's start.
 */
function withCurrentPeriod(runs: Run[], since: string | null, steps: Steps): Period[] {
  const sinceSec = since ? Date.parse(since) / 1000 : steps.windowStart;
  if (sinceSec > steps.windowEnd) return toPeriods(runs, steps);
  const earlier = runs.filter((run) => run.last + steps.step < sinceSec);
  const joined = runs.filter((run) => !earlier.includes(run)).map((run) => run.first);
  const start = Math.max(steps.windowStart, Math.min(sinceSec, ...joined));
  return [...toPeriods(earlier, steps), { status: "alert", start: iso(start), end: null }];
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
