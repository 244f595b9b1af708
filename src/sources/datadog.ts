import { z } from "zod";
import { createDatadogApi, datadogHosts, firstError, type DatadogApi, type DatadogApiOptions } from "./datadog-api.js";
import { listDatadogMonitors } from "./datadog-monitors.js";
import { sourceSettings } from "./source-settings.js";
import { SourceError, type MetricSource, type MonitorSource, type QueryWindow, type SeriesData } from "./types.js";

export type DatadogSourceOptions = DatadogApiOptions;

// https://docs.datadoghq.com/api/latest/metrics/query-timeseries-points/ (v1: times in ms, values may be null)
const Series = z.object({
  metric: z.string().optional(),
  scope: z.string().optional(),
  tag_set: z.array(z.string()).optional(),
  pointlist: z.array(z.tuple([z.number(), z.number().nullable()])).default([]),
});
const QueryResponse = z.object({
  status: z.string().optional(),
  error: z.string().optional(),
  series: z.array(Series).optional(),
});
type Series = z.infer<typeof Series>;

const SHOWN_SERIES = 3;

/**
 * Datadog as a metric source (v1 timeseries query) and a monitor source (monitor search or ids).
 * Points come at the interval Datadog picks for the window unless the query sets `.rollup(...)`.
 */
export function createDatadogSource(options: DatadogSourceOptions): MetricSource & MonitorSource {
  const api = createDatadogApi(options);
  const site = options.site ?? "datadoghq.com";

  return {
    name: options.name,
    type: "datadog",
    settings: sourceSettings({ url: options.baseUrl ?? datadogHosts(site).api, site, timeoutMs: options.timeoutMs ?? 10_000, keys: ["apiKey", "applicationKey"] }),

    queryRange(query: string, window: QueryWindow, signal?: AbortSignal): Promise<SeriesData | null> {
      return api.guard(() => queryRange(api, query, window, signal));
    },

    listMonitors(query, window, signal) {
      return api.guard(() => listDatadogMonitors(api, query, window, signal));
    },
  };
}

async function queryRange(api: DatadogApi, query: string, window: QueryWindow, signal?: AbortSignal): Promise<SeriesData | null> {
  const params = {
    from: String(Math.floor(window.start.getTime() / 1000)),
    to: String(Math.ceil(window.end.getTime() / 1000)),
    query,
  };
  // A query Datadog cannot parse comes back as 400 with its explanation in the error envelope.
  const body = await api.get("api/v1/query", params, { signal, permission: "timeseries_query", acceptStatuses: [400] });
  const rejected = firstError(body);
  if (rejected !== undefined) throw new SourceError("query", `Datadog rejected the query: ${rejected}`);
  const parsed = QueryResponse.safeParse(body);
  if (!parsed.success) throw new SourceError("bad-response", `${api.name}: not a Datadog timeseries query answer`);
  const answer = parsed.data;
  if (answer.status === "error" || answer.error) throw new SourceError("query", `Datadog rejected the query: ${answer.error ?? "(no message)"}`);
  if (!answer.series) throw new SourceError("bad-response", `${api.name}: a Datadog timeseries answer without series`);

  const [first] = answer.series;
  if (!first) return null;
  if (answer.series.length > 1) throw tooManySeries(answer.series);
  return {
    labels: seriesLabels(first),
    timestamps: first.pointlist.map(([ms]) => ms / 1000),
    values: first.pointlist.map(([, value]) => value ?? Number.NaN),
  };
}

/** The series' tags (`tag_set`, else its comma-separated `scope`) as labels, plus metric and scope. */
function seriesLabels(series: Series): Record<string, string> {
  const tags = series.tag_set ?? (series.scope ?? "").split(",").filter((t) => t && t !== "*");
  const labels: Record<string, string> = {};
  for (const tag of tags) {
    const colon = tag.indexOf(":");
    labels[colon < 0 ? tag : tag.slice(0, colon)] = colon < 0 ? "" : tag.slice(colon + 1);
  }
  if (series.metric) labels.metric = series.metric;
  if (series.scope) labels.scope = series.scope;
  return labels;
}

/** A check compares one series; name the groups so the missing aggregation is obvious. */
function tooManySeries(series: Series[]): SourceError {
  const shown = series
    .slice(0, SHOWN_SERIES)
    .map((s) => `{${s.scope ?? s.tag_set?.join(",") ?? "?"}}`)
    .join(", ");
  const more = series.length > SHOWN_SERIES ? `, and ${series.length - SHOWN_SERIES} more` : "";
  return new SourceError(
    "too-many-series",
    `the query returns ${series.length} series (${shown}${more}) but a check needs exactly one; ` +
      "aggregate them into one, e.g. sum:metric{scope} or avg:metric{scope} without a `by {...}` clause",
  );
}
