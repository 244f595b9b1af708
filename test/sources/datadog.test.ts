import { describe, expect, it, onTestFinished } from "vitest";
import { createDatadogSource } from "../../src/sources/datadog.js";
import { SourceError, type QueryWindow } from "../../src/sources/types.js";
import { caught } from "../helpers/caught.js";
import {
  errorReply,
  rateLimitedReply,
  startFakeDatadog,
  type FakeDatadogOptions,
  type FakeMonitor,
} from "../helpers/fake-datadog.js";

const API_KEY = "dd-api-PLANTEDKEY-7f3a9c2e41b8";
const APP_KEY = "dd-app-PLANTEDKEY-5d0e8b6a93c1";

const window: QueryWindow = {
  start: new Date("2025-03-01T10:00:00Z"),
  end: new Date("2025-03-01T11:00:00Z"),
  stepSeconds: 60,
};
const startMs = window.start.getTime();
const endMs = window.end.getTime();

async function fake(options: Partial<FakeDatadogOptions> = {}) {
  const server = await startFakeDatadog({ apiKey: API_KEY, applicationKey: APP_KEY, ...options });
  onTestFinished(() => server.close());
  const source = createDatadogSource({ name: "dd", baseUrl: server.url, apiKey: API_KEY, applicationKey: APP_KEY });
  return { server, source };
}


const shop: FakeMonitor[] = [
  { id: 101, name: "shop p99 latency", status: "Alert", tags: ["service:shop", "env:prod"], overallStateModified: "2025-03-01T10:20:00+00:00" },
  { id: 102, name: "shop error rate", status: "Warn", tags: ["service:shop", "team:pay", "team:web"] },
  { id: 103, name: "shop heartbeat", status: "No Data", tags: ["service:shop"], lastTriggeredTs: 1_740_823_500 },
  { id: 104, name: "shop saturation", status: "OK", tags: ["service:shop"] },
  { id: 105, name: "shop flaky check", status: "Alert", tags: ["service:shop"], silenced: { "*": null } },
  { id: 106, name: "shop disk", status: "Alert", tags: ["service:shop"], downtimes: [{ id: 9, scope: ["*"], start: 1_700_000_000 }] },
  { id: 107, name: "shop canary host", status: "Alert", tags: ["service:shop"], silenced: { "host:a": null } },
  { id: 201, name: "cart latency", status: "Alert", tags: ["service:cart"] },
];

describe("Datadog monitors through the monitor search", () => {
  it("reports alert, warn and no-data monitors, flags muted ones, and counts every match", async () => {
    const { server, source } = await fake({ monitors: shop });
    const report = await source.listMonitors({ search: 'tag:"service:shop"' }, window);

    expect(report.matched).toBe(7);
    const byId = Object.fromEntries(report.monitors.map((m) => [m.id, m]));
    expect(Object.keys(byId).sort()).toEqual(["101", "102", "103", "105", "106", "107"]);
    expect(byId["101"]).toEqual({
      id: "101",
      name: "shop p99 latency",
      status: "alert",
      muted: false,
      since: "2025-03-01T10:20:00.000Z",
      labels: { service: "shop", env: "prod", datadog_status: "Alert", datadog_type: "metric alert" },
      periods: [{ status: "alert", start: "2025-03-01T10:20:00.000Z", end: null }],
      link: `https://app.datadoghq.com/monitors/101?from_ts=${startMs}&to_ts=${endMs}`,
    });
    expect(byId["102"]).toMatchObject({ status: "warn", muted: false, periods: [], labels: { team: "pay,web" } });
    // No overall_state_modified: the start falls back to the search's last_triggered_ts.
    expect(byId["103"]).toMatchObject({
      status: "nodata",
      since: "2025-03-01T10:05:00.000Z",
      periods: [{ status: "nodata", start: "2025-03-01T10:05:00.000Z", end: null }],
    });
    expect(byId["105"]).toMatchObject({ status: "alert", muted: true });
    expect(byId["106"]).toMatchObject({ status: "alert", muted: true });
    // Only one group silenced: the others can still alert, so the monitor counts.
    expect(byId["107"]).toMatchObject({ status: "alert", muted: false });

    const searches = server.requests.filter((r) => r.path === "/api/v1/monitor/search");
    expect(searches.map((r) => r.query.get("query"))).toEqual(['tag:"service:shop"']);
    expect(searches[0]?.query.get("page")).toBe("0");
    // Details (mutes, downtimes, state change time) only for the monitors that are not OK.
    const details = server.requests.filter((r) => r.path.startsWith("/api/v1/monitor/") && r.path !== "/api/v1/monitor/search");
    expect(details.map((r) => r.path).sort()).toEqual(["101", "102", "103", "105", "106", "107"].map((id) => `/api/v1/monitor/${id}`));
    expect(details.every((r) => r.query.get("with_downtimes") === "true")).toBe(true);
    expect(server.requests.every((r) => r.headers["dd-api-key"] === API_KEY && r.headers["dd-application-key"] === APP_KEY)).toBe(true);
  });

  it("reports nothing but the count when every selected monitor is OK", async () => {
    const { server, source } = await fake({ monitors: shop });
    const report = await source.listMonitors({ search: "saturation" }, window);
    expect(report).toEqual({ matched: 1, monitors: [] });
    expect(server.requests).toHaveLength(1);
  });

  it("reads every page of a large search", async () => {
    const many: FakeMonitor[] = Array.from({ length: 250 }, (_, i) => ({
      id: 1000 + i,
      name: `api monitor ${i}`,
      status: i === 7 || i === 130 || i === 249 ? "Alert" : "OK",
      tags: ["service:api"],
    }));
    const { server, source } = await fake({ monitors: many });
    const report = await source.listMonitors({ search: "tag:service:api" }, window);

    expect(report.matched).toBe(250);
    expect(report.monitors.map((m) => m.id).sort()).toEqual(["1007", "1130", "1249"]);
    const pages = server.requests.filter((r) => r.path === "/api/v1/monitor/search");
    expect(pages.map((r) => r.query.get("page"))).toEqual(["0", "1", "2"]);
    expect(pages.every((r) => r.query.get("per_page") === "100")).toBe(true);
  });

  it("explains a search Datadog rejects", async () => {
    const { server, source } = await fake();
    server.replyNext(errorReply(400, "Invalid query: unbalanced parenthesis"));
    const err = await caught(source.listMonitors({ search: "tag:(a" }, window));
    expect(err.kind).toBe("query");
    expect(err.message).toContain("Invalid query: unbalanced parenthesis");
  });
});

describe("Datadog monitors by id", () => {
  it("counts every id and reports those not OK", async () => {
    const { source } = await fake({ monitors: shop });
    const report = await source.listMonitors({ ids: ["104", "105", "201"] }, window);
    expect(report.matched).toBe(3);
    expect(report.monitors.map((m) => [m.id, m.status, m.muted])).toEqual([
      ["105", "alert", true],
      ["201", "alert", false],
    ]);
  });

  it("names a monitor id Datadog does not have", async () => {
    const { source } = await fake({ monitors: shop });
    const err = await caught(source.listMonitors({ ids: ["101", "999999"] }, window));
    expect(err.kind).toBe("query");
    expect(err.message).toContain("no monitor 999999");
  });

  it("refuses an id that is not a number, and a query with neither search nor ids", async () => {
    const { server, source } = await fake({ monitors: shop });
    expect((await caught(source.listMonitors({ ids: ["shop-latency"] }, window))).message).toContain('"shop-latency"');
    expect((await caught(source.listMonitors({ alertname: "HighLatency" }, window))).kind).toBe("query");
    expect(server.requests).toHaveLength(0);
  });
});

describe("Datadog metric queries", () => {
  const points: Array<[number, number | null]> = [
    [startMs, 0.21],
    [startMs + 60_000, null],
    [startMs + 120_000, 0.25],
  ];

  it("returns the single series with times in seconds and null as NaN", async () => {
    const query = "avg:trace.http.request.duration{service:shop,version:v2}";
    const { server, source } = await fake({
      series: { [query]: [{ metric: "trace.http.request.duration", scope: "service:shop,version:v2", pointlist: points }] },
    });
    const data = await source.queryRange(query, window);
    expect(data).toEqual({
      labels: { service: "shop", version: "v2", metric: "trace.http.request.duration", scope: "service:shop,version:v2" },
      timestamps: [startMs / 1000, startMs / 1000 + 60, startMs / 1000 + 120],
      values: [0.21, Number.NaN, 0.25],
    });
    const [request] = server.requests;
    expect(request?.path).toBe("/api/v1/query");
    expect(request?.query.get("from")).toBe(String(startMs / 1000));
    expect(request?.query.get("to")).toBe(String(endMs / 1000));
    expect(request?.query.get("query")).toBe(query);
  });

  it("returns null when the query selects nothing", async () => {
    const { source } = await fake();
    expect(await source.queryRange("avg:nope{service:shop}", window)).toBeNull();
  });

  it("refuses a query that returns one series per group and suggests an aggregation", async () => {
    const query = "avg:system.cpu.user{service:shop} by {host}";
    const { source } = await fake({
      series: {
        [query]: ["a", "b", "c", "d"].map((host) => ({ metric: "system.cpu.user", scope: `host:${host},service:shop`, pointlist: points })),
      },
    });
    const err = await caught(source.queryRange(query, window));
    expect(err.kind).toBe("too-many-series");
    expect(err.message).toContain("4 series");
    expect(err.message).toContain("{host:a,service:shop}");
    expect(err.message).toContain("and 1 more");
    expect(err.message).toMatch(/sum:metric\{scope\}/);
  });

  it("passes on Datadog's explanation of a query it cannot parse", async () => {
    const query = "avg:system.cpu.user{service:shop";
    const { source } = await fake({ queryErrors: { [query]: "Error parsing query: unexpected end of input" } });
    const err = await caught(source.queryRange(query, window));
    expect(err.kind).toBe("query");
    expect(err.message).toContain("Error parsing query: unexpected end of input");
  });
});

describe("Datadog failures", () => {
  it("retries a 429 with X-RateLimit headers, then succeeds", async () => {
    const { server, source } = await fake({ monitors: shop });
    server.replyNext(rateLimitedReply(1));
    const report = await source.listMonitors({ search: "saturation" }, window);
    expect(report.matched).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it("waits the X-RateLimit-Reset seconds before retrying a 429", async () => {
    const { server, source } = await fake({ monitors: shop });
    server.replyNext(rateLimitedReply(2));
    const started = performance.now();
    await source.listMonitors({ search: "saturation" }, window);
    // The generic back-off is 200 ms; Datadog asked for 2 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(server.requests).toHaveLength(2);
  });

  it("retries 5xx answers, then succeeds", async () => {
    const { server, source } = await fake({ monitors: shop });
    server.replyNext(errorReply(503, "Service Unavailable"), 2);
    const report = await source.listMonitors({ ids: ["104"] }, window);
    expect(report).toEqual({ matched: 1, monitors: [] });
    expect(server.requests).toHaveLength(3);
  });

  it("gives up on a 5xx that lasts, with Datadog's message", async () => {
    const { server, source } = await fake();
    server.replyNext(errorReply(502, "Bad Gateway upstream"), 5);
    const err = await caught(source.queryRange("avg:x{*}", window));
    expect(err).toMatchObject({ kind: "http-status", status: 502 });
    expect(err.message).toContain("Bad Gateway upstream");
  });

  it("reports a refused application key clearly", async () => {
    const server = await startFakeDatadog({ apiKey: API_KEY, applicationKey: "another-application-key" });
    onTestFinished(() => server.close());
    const source = createDatadogSource({ name: "dd", baseUrl: server.url, apiKey: API_KEY, applicationKey: APP_KEY });

    const monitors = await caught(source.listMonitors({ search: "service:shop" }, window));
    expect(monitors).toMatchObject({ kind: "http-status", status: 403 });
    expect(monitors.message).toContain("forbidden");
    expect(monitors.message).toContain("monitors_read");
    const metrics = await caught(source.queryRange("avg:x{*}", window));
    expect(metrics.message).toContain("timeseries_query");
  });

  it("reports an answer that is not JSON, or not Datadog's shape, as a bad response", async () => {
    const { server, source } = await fake();
    server.replyNext({ status: 200, body: "<html>maintenance</html>" });
    expect((await caught(source.queryRange("avg:x{*}", window))).kind).toBe("bad-response");
    server.replyNext({ status: 200, body: JSON.stringify({ monitors: "none" }) });
    expect((await caught(source.listMonitors({ search: "x" }, window))).kind).toBe("bad-response");
    server.replyNext({ status: 200, body: JSON.stringify({ id: "not-a-number" }) });
    expect((await caught(source.listMonitors({ ids: ["5"] }, window))).kind).toBe("bad-response");
  });

  it("never puts the API or application key in an error message", async () => {
    const echo = `key ${API_KEY} app ${APP_KEY}`;
    const { server, source } = await fake({ monitors: shop, queryErrors: { "avg:echo{*}": `bad query for ${echo}` } });
    const wrongKeys = await startFakeDatadog({ apiKey: "a-different-api-key", applicationKey: "a-different-app-key" });
    onTestFinished(() => wrongKeys.close());
    const refused = createDatadogSource({ name: "dd", baseUrl: wrongKeys.url, apiKey: API_KEY, applicationKey: APP_KEY });
    const closed = createDatadogSource({ name: "dd", baseUrl: "http://127.0.0.1:1", apiKey: API_KEY, applicationKey: APP_KEY, timeoutMs: 2000 });

    const errors: SourceError[] = [];
    const collect = async (promise: Promise<unknown>) => errors.push(await caught(promise));
    await collect(source.queryRange("avg:echo{*}", window));
    server.replyNext(errorReply(500, `internal error, ${echo}`), 3);
    await collect(source.queryRange("avg:x{*}", window));
    server.replyNext(errorReply(403, `Forbidden: ${echo}`));
    await collect(source.listMonitors({ search: "shop" }, window));
    server.replyNext(errorReply(404, `no monitor for ${echo}`));
    await collect(source.listMonitors({ ids: ["101"] }, window));
    server.replyNext(errorReply(400, `bad search ${echo}`));
    await collect(source.listMonitors({ search: "shop" }, window));
    server.replyNext({ status: 200, body: `not json ${echo}` });
    await collect(source.queryRange("avg:x{*}", window));
    await collect(refused.listMonitors({ ids: ["101"] }, window));
    await collect(closed.queryRange("avg:x{*}", window));

    expect(errors).toHaveLength(8);
    for (const err of errors) {
      expect(err.message).not.toContain("PLANTEDKEY");
    }
  });
});

describe("Datadog sites", () => {
  it.each([
    ["datadoghq.com", "https://app.datadoghq.com"],
    ["datadoghq.eu", "https://app.datadoghq.eu"],
    ["us3.datadoghq.com", "https://us3.datadoghq.com"],
    ["ddog-gov.com", "https://app.ddog-gov.com"],
    ["https://app.datadoghq.eu/", "https://app.datadoghq.eu"],
  ])("links monitors on site %s to %s", async (site, app) => {
    const server = await startFakeDatadog({ apiKey: API_KEY, applicationKey: APP_KEY, monitors: shop });
    onTestFinished(() => server.close());
    const source = createDatadogSource({ name: "dd", site, baseUrl: server.url, apiKey: API_KEY, applicationKey: APP_KEY });
    const report = await source.listMonitors({ ids: ["201"] }, window);
    expect(report.monitors[0]?.link).toBe(`${app}/monitors/201?from_ts=${startMs}&to_ts=${endMs}`);
  });

  it("refuses a site that is not a host name", () => {
    expect(() => createDatadogSource({ name: "dd", site: "not a site", apiKey: API_KEY, applicationKey: APP_KEY })).toThrow(SourceError);
  });
});
