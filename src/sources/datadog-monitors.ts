import { z } from "zod";
import { firstError, type DatadogApi } from "./datadog-api.js";
import { SourceError, type MonitorQuery, type MonitorReport, type MonitorState, type MonitorStatus } from "./types.js";

// https://docs.datadoghq.com/api/latest/monitors/monitors-search/ (page is 0-based)
const SearchResult = z.object({
  id: z.number(),
  name: z.string().default(""),
  status: z.string().default("Unknown"),
  tags: z.array(z.string()).default([]),
  type: z.string().optional(),
  last_triggered_ts: z.number().nullish(),
});
const SearchResponse = z.object({
  monitors: z.array(SearchResult),
  metadata: z.object({ page: z.number(), page_count: z.number(), per_page: z.number(), total_count: z.number() }),
});

// https://docs.datadoghq.com/api/latest/monitors/get-a-monitors-details/ (with_downtimes=true)
const Monitor = z.object({
  id: z.number(),
  name: z.string().default(""),
  overall_state: z.string().default("Unknown"),
  // Returned by the API though absent from the published model: when the overall state last changed.
  overall_state_modified: z.union([z.string(), z.number()]).nullish(),
  tags: z.array(z.string()).default([]),
  type: z.string().optional(),
  options: z.object({ silenced: z.record(z.string(), z.number().nullable()).nullish() }).nullish(),
  matching_downtimes: z
    .array(z.object({ scope: z.array(z.string()).nullish(), start: z.number().nullish(), end: z.number().nullish() }))
    .nullish(),
});
type Monitor = z.infer<typeof Monitor>;
type SearchResult = z.infer<typeof SearchResult>;

const PER_PAGE = 100;
const MAX_PAGES = 20;
const DETAIL_CONCURRENCY = 4;

// Ignored and Skipped monitors are not evaluated; Unknown means Datadog cannot tell, so it counts as no data.
const STATUSES: Record<string, MonitorStatus> = {
  alert: "alert",
  warn: "warn",
  "no data": "nodata",
  ok: "ok",
  ignored: "ok",
  skipped: "ok",
  unknown: "nodata",
};

/**
 * Monitors selected by a monitor search (every page) or by explicit ids. Datadog keeps no cheap state
 * history, so a monitor is reported from its current state, with one open period starting when that
 * state began (`overall_state_modified`, else the search's `last_triggered_ts`, else the window start).
 */
export async function listDatadogMonitors(
  api: DatadogApi,
  query: MonitorQuery,
  window: { start: Date; end: Date },
  signal?: AbortSignal,
): Promise<MonitorReport> {
  const search = query.search?.trim();
  const ids = query.ids ?? [];
  if (search && ids.length > 0) throw new SourceError("query", `${api.name}: give a Datadog monitor check either a search or ids, not both`);
  if (!search && ids.length === 0) throw new SourceError("query", `${api.name}: a Datadog monitor check needs a monitor search query or monitor ids`);
  const now = Date.now();

  if (search) {
    const { total, found } = await searchAll(api, search, signal);
    const notOk = found.filter((m) => statusOf(m.status) !== "ok");
    const details = await mapLimit(notOk, (m) => getMonitor(api, String(m.id), signal));
    const states = notOk.map((m, i) => toState(api, details[i] ?? fromSearch(m), m.last_triggered_ts, window, now));
    return { matched: total, monitors: states.filter((s) => s.status !== "ok") };
  }

  const unique = [...new Set(ids.map((id) => id.trim()))];
  const invalid = unique.find((id) => !/^\d+$/.test(id));
  if (invalid !== undefined) throw new SourceError("query", `${api.name}: monitor id "${invalid}" is not a Datadog monitor id (a number)`);
  const details = await mapLimit(unique, (id) => getMonitor(api, id, signal));
  const missing = unique.filter((_, i) => details[i] === null);
  if (missing.length > 0) {
    throw new SourceError(
      "query",
      `${api.name}: Datadog has no monitor ${missing.join(", ")} (deleted, or not visible to the application key)`,
    );
  }
  const states = details.flatMap((m) => (m ? [toState(api, m, undefined, window, now)] : []));
  return { matched: unique.length, monitors: states.filter((s) => s.status !== "ok") };
}

async function searchAll(api: DatadogApi, search: string, signal?: AbortSignal) {
  const found = new Map<number, SearchResult>();
  for (let page = 0; ; page++) {
    const params = { query: search, page: String(page), per_page: String(PER_PAGE) };
    const body = await api.get("api/v1/monitor/search", params, { signal, permission: "monitors_read", acceptStatuses: [400] });
    const error = firstError(body);
    if (error !== undefined) throw new SourceError("query", `${api.name}: Datadog rejected the monitor search ${JSON.stringify(search)}: ${error}`);
    const parsed = SearchResponse.safeParse(body);
    if (!parsed.success) throw new SourceError("bad-response", `${api.name}: not a Datadog monitor search answer`);
    const { monitors, metadata } = parsed.data;
    if (metadata.total_count > PER_PAGE * MAX_PAGES) {
      throw new SourceError(
        "query",
        `${api.name}: the monitor search ${JSON.stringify(search)} selects ${metadata.total_count} monitors, more than ${PER_PAGE * MAX_PAGES}; narrow it`,
      );
    }
    for (const monitor of monitors) found.set(monitor.id, monitor);
    if (monitors.length === 0 || page + 1 >= metadata.page_count) return { total: metadata.total_count, found: [...found.values()] };
  }
}

/** One monitor with its mutes and downtimes, or null when Datadog says it does not exist. */
async function getMonitor(api: DatadogApi, id: string, signal?: AbortSignal): Promise<Monitor | null> {
  const body = await api.get(`api/v1/monitor/${id}`, { with_downtimes: "true" }, { signal, permission: "monitors_read", acceptStatuses: [404] });
  if (firstError(body) !== undefined) return null;
  const parsed = Monitor.safeParse(body);
  if (!parsed.success) throw new SourceError("bad-response", `${api.name}: not a Datadog monitor (GET /api/v1/monitor/${id})`);
  return parsed.data;
}

function fromSearch(m: SearchResult): Monitor {
  return { id: m.id, name: m.name, overall_state: m.status, tags: m.tags, type: m.type };
}

function toState(
  api: DatadogApi,
  m: Monitor,
  lastTriggered: number | null | undefined,
  window: { start: Date; end: Date },
  now: number,
): MonitorState {
  const status = statusOf(m.overall_state);
  const since = toIso(m.overall_state_modified) ?? toIso(lastTriggered);
  const labels: Record<string, string> = { ...tagsToLabels(m.tags), datadog_status: m.overall_state };
  if (m.type) labels.datadog_type = m.type;
  const link = `${api.appUrl}/monitors/${m.id}?from_ts=${window.start.getTime()}&to_ts=${window.end.getTime()}`;
  return {
    id: String(m.id),
    name: m.name,
    status,
    muted: isMuted(m, now),
    since,
    labels,
    periods: status === "alert" || status === "nodata" ? [{ status, start: since ?? window.start.toISOString(), end: null }] : [],
    link,
  };
}

/**
 * Muted when the whole monitor is silenced (scope `*`) or an active downtime has no narrower scope.
 * A mute of some groups (`host:a`) leaves the monitor counted: its other groups can still alert.
 */
function isMuted(m: Monitor, now: number): boolean {
  const inEffect = (start: number | null | undefined, end: number | null | undefined) =>
    (start == null || start * 1000 <= now) && (end == null || end * 1000 > now);
  const silencedAll = Object.entries(m.options?.silenced ?? {}).some(([scope, end]) => scope === "*" && inEffect(null, end));
  const downtimeAll = (m.matching_downtimes ?? []).some(
    (d) => (d.scope ?? []).every((scope) => scope === "*") && inEffect(d.start, d.end),
  );
  return silencedAll || downtimeAll;
}

function statusOf(raw: string): MonitorStatus {
  return STATUSES[raw.toLowerCase()] ?? "nodata";
}

/** `service:shop` becomes service=shop; a bare tag becomes a label with an empty value; repeats join with a comma. */
function tagsToLabels(tags: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of tags) {
    const colon = tag.indexOf(":");
    const key = colon < 0 ? tag : tag.slice(0, colon);
    const value = colon < 0 ? "" : tag.slice(colon + 1);
    labels[key] = labels[key] ? `${labels[key]},${value}` : value;
  }
  return labels;
}

/** Datadog writes times as ISO strings or POSIX seconds (milliseconds in a few places). */
function toIso(value: string | number | null | undefined): string | null {
  if (value == null) return null;
  const ms = typeof value === "number" ? (value < 1e12 ? value * 1000 : value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

async function mapLimit<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, items.length) }, worker));
  return results;
}
