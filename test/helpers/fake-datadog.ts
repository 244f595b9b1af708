import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the Datadog API, answering with the documented shapes of
 * GET /api/v1/monitor/search, GET /api/v1/monitor/{id} and GET /api/v1/query.
 */

export type FakeMonitorStatus = "Alert" | "Warn" | "No Data" | "OK" | "Ignored" | "Skipped" | "Unknown";

export interface FakeMonitor {
  id: number;
  name: string;
  status: FakeMonitorStatus;
  tags?: string[];
  type?: string;
  /** `options.silenced`: scope → POSIX end, or null until unmuted. */
  silenced?: Record<string, number | null>;
  /** `matching_downtimes` (active v1 downtimes). */
  downtimes?: Array<{ id: number; scope?: string[]; start?: number; end?: number | null }>;
  /** `overall_state_modified`, ISO. */
  overallStateModified?: string;
  /** `last_triggered_ts` in search results, POSIX seconds. */
  lastTriggeredTs?: number;
}

export interface FakeSeries {
  metric: string;
  scope: string;
  /** [POSIX ms, value or null]. */
  pointlist: Array<[number, number | null]>;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeDatadogOptions {
  apiKey: string;
  applicationKey: string;
  monitors?: FakeMonitor[];
  /** Series answered per exact query string; unknown queries answer no series, as Datadog does. */
  series?: Record<string, FakeSeries[]>;
  /** Queries answered with 400 and this message. */
  queryErrors?: Record<string, string>;
}

export interface FakeDatadog {
  url: string;
  requests: RecordedRequest[];
  /** Answer the next `times` requests with `reply`, before any key check. */
  replyNext(reply: FakeReply, times?: number): void;
  close(): Promise<void>;
}

const DEFAULT_PER_PAGE = 30;

export function errorReply(status: number, message: string, headers?: Record<string, string>): FakeReply {
  return { status, headers, body: JSON.stringify({ errors: [message] }) };
}

/** Datadog's 429: the X-RateLimit-* headers, with Reset in seconds until the period resets. */
export function rateLimitedReply(resetSeconds: number): FakeReply {
  return errorReply(429, "Rate limit of 300 requests in 3600 seconds reached. Please try again later.", {
    "X-RateLimit-Limit": "300",
    "X-RateLimit-Period": "3600",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": String(resetSeconds),
    "X-RateLimit-Name": "monitor_search",
  });
}

export async function startFakeDatadog(options: FakeDatadogOptions): Promise<FakeDatadog> {
  const requests: RecordedRequest[] = [];
  const queued: FakeReply[] = [];
  const monitors = [...(options.monitors ?? [])].sort((a, b) => a.id - b.id);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers });
    const next = queued.shift();
    if (next) return send(res, next);
    if (req.headers["dd-api-key"] !== options.apiKey || req.headers["dd-application-key"] !== options.applicationKey) {
      return send(res, errorReply(403, "Forbidden"));
    }
    if (req.method !== "GET") return send(res, errorReply(405, "Method not allowed"));
    if (url.pathname === "/api/v1/monitor/search") return send(res, search(monitors, url.searchParams));
    const byId = /^\/api\/v1\/monitor\/(\d+)$/.exec(url.pathname);
    if (byId) return send(res, monitorDetail(monitors, Number(byId[1])));
    if (url.pathname === "/api/v1/query") return send(res, timeseries(options, url.searchParams));
    return send(res, errorReply(404, "Not found"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    replyNext(reply, times = 1) {
      for (let i = 0; i < times; i++) queued.push(reply);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: FakeReply): void {
  res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
  res.end(reply.body);
}

function json(body: unknown): FakeReply {
  return { status: 200, body: JSON.stringify(body) };
}

/** A small part of the search syntax: `tag:x` / `tag:"x"`, `status:x`, and bare words in the name; all ANDed. */
function matches(monitor: FakeMonitor, query: string): boolean {
  const terms = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return terms.every((term) => {
    const [field, ...rest] = term.split(":");
    const value = rest.join(":").replace(/^"|"$/g, "");
    if (field === "tag") return (monitor.tags ?? []).includes(value);
    if (field === "status") return monitor.status.toLowerCase() === value.toLowerCase();
    return term === "*" || monitor.name.toLowerCase().includes(term.replace(/"/g, "").toLowerCase());
  });
}

function search(monitors: FakeMonitor[], params: URLSearchParams): FakeReply {
  const page = Number(params.get("page") ?? "0");
  const perPage = Number(params.get("per_page") ?? DEFAULT_PER_PAGE);
  if (!Number.isInteger(page) || page < 0 || !Number.isInteger(perPage) || perPage < 1) {
    return errorReply(400, "Invalid pagination parameters");
  }
  const selected = monitors.filter((m) => matches(m, params.get("query") ?? ""));
  const count = (key: (m: FakeMonitor) => string) => {
    const counts = new Map<string, number>();
    for (const m of selected) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
    return [...counts].map(([name, n]) => ({ name, count: n }));
  };
  return json({
    counts: {
      status: count((m) => m.status),
      muted: count((m) => String(m.silenced?.["*"] !== undefined)),
      type: count((m) => m.type ?? "metric alert"),
      tag: count((m) => (m.tags ?? [])[0] ?? ""),
    },
    metadata: { page, page_count: Math.ceil(selected.length / perPage), per_page: perPage, total_count: selected.length },
    monitors: selected.slice(page * perPage, (page + 1) * perPage).map((m) => ({
      id: m.id,
      name: m.name,
      status: m.status,
      tags: m.tags ?? [],
      type: m.type ?? "metric alert",
      query: `avg(last_5m):avg:system.load.1{*} > 2`,
      classification: "metric",
      creator: { name: "Canary Gate tests", handle: "tests@example.com", id: 1 },
      last_triggered_ts: m.lastTriggeredTs ?? null,
      metrics: ["system.load.1"],
      notifications: [],
      org_id: 1,
      scopes: ["*"],
    })),
  });
}

function monitorDetail(monitors: FakeMonitor[], id: number): FakeReply {
  const m = monitors.find((candidate) => candidate.id === id);
  if (!m) return errorReply(404, "Monitor not found");
  return json({
    id: m.id,
    name: m.name,
    type: m.type ?? "metric alert",
    query: `avg(last_5m):avg:system.load.1{*} > 2`,
    message: "",
    tags: m.tags ?? [],
    overall_state: m.status,
    overall_state_modified: m.overallStateModified ?? null,
    options: { silenced: m.silenced ?? {}, notify_no_data: true, thresholds: { critical: 2 } },
    matching_downtimes: (m.downtimes ?? []).map((d) => ({ id: d.id, scope: d.scope, start: d.start, end: d.end ?? null })),
    multi: false,
    priority: null,
    created: "2025-01-01T00:00:00.000000+00:00",
    modified: "2025-01-01T00:00:00.000000+00:00",
  });
}

function timeseries(options: FakeDatadogOptions, params: URLSearchParams): FakeReply {
  const from = Number(params.get("from"));
  const to = Number(params.get("to"));
  const query = params.get("query");
  if (!params.get("from") || !params.get("to") || !query) return errorReply(400, "Missing from, to or query");
  const rejected = options.queryErrors?.[query];
  if (rejected) return errorReply(400, rejected);
  const series = (options.series?.[query] ?? []).map((s, index) => {
    const pointlist = s.pointlist.filter(([ms]) => ms >= from * 1000 && ms <= to * 1000);
    return {
      metric: s.metric,
      display_name: s.metric,
      scope: s.scope,
      tag_set: s.scope === "*" ? [] : s.scope.split(","),
      expression: `${s.metric}{${s.scope}}`,
      pointlist,
      start: pointlist[0]?.[0] ?? from * 1000,
      end: pointlist.at(-1)?.[0] ?? to * 1000,
      interval: 60,
      length: pointlist.length,
      aggr: null,
      unit: null,
      query_index: index,
    };
  });
  return json({
    status: "ok",
    res_type: "time_series",
    resp_version: 1,
    query,
    message: "",
    from_date: from * 1000,
    to_date: to * 1000,
    group_by: [],
    series,
  });
}
