import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createPrometheusSource } from "../../src/sources/prometheus.js";
import type { QueryWindow } from "../../src/sources/types.js";
import { counterSeries, gaugeSeries, startPrometheus, type PrometheusInstance } from "../helpers/prometheus.js";
import { caught } from "../helpers/caught.js";

// Data from three hours ago up to a minute ago, so the last two hours (the head range) are covered.
const now = Math.floor(Date.now() / 1000);
const first = now - 3 * 3600;
const points = 3 * 60; // one per minute, the last at now - 60 s
const latency = Array.from({ length: points }, (_, i) => (i === 170 ? NaN : i === 171 ? Infinity : i * 1.5));

let prom: PrometheusInstance;

beforeAll(async () => {
  prom = await startPrometheus({
    series: [
      gaugeSeries("cg_latency_seconds", { service: "api", version: "v2" }, first, 60, latency),
      counterSeries("cg_requests", { service: "api", code: "200" }, first, 60, latency.map((_, i) => i * 100)),
      counterSeries("cg_requests", { service: "api", code: "500" }, first, 60, latency.map((_, i) => i * 2)),
    ],
    rules: "groups:\n  - name: cg\n    rules:\n      - record: cg:latency:max\n        expr: max(cg_latency_seconds)\n",
  });
});

afterAll(async () => {
  await prom?.stop();
});

const lastHalfHour: QueryWindow = {
  start: new Date((now - 1800) * 1000),
  end: new Date((now - 60) * 1000),
  stepSeconds: 60,
};


describe("Prometheus source against a real Prometheus", () => {
  it("returns the single series over the window at the step, up to a minute ago", async () => {
    const source = createPrometheusSource({ name: "prom", url: prom.url });
    const data = await source.queryRange('cg_latency_seconds{service="api"}', lastHalfHour);
    const expectedTimes = Array.from({ length: 30 }, (_, k) => now - 1800 + k * 60);
    expect(data?.labels).toEqual({ __name__: "cg_latency_seconds", service: "api", version: "v2" });
    expect(data?.timestamps).toEqual(expectedTimes);
    expect(data?.values).toEqual(expectedTimes.map((t) => latency[(t - first) / 60]));
    expect(data?.values).toContain(Infinity);
    expect(data?.values.some(Number.isNaN)).toBe(true);
  });

  it("reads backfilled data older than the head range with a coarse step", async () => {
    const source = createPrometheusSource({ name: "prom", url: prom.url });
    const window = { start: new Date(first * 1000), end: new Date((now - 60) * 1000), stepSeconds: 1800 };
    const data = await source.queryRange("sum(cg_requests_total)", window);
    expect(data?.timestamps).toEqual([0, 1, 2, 3, 4, 5].map((k) => first + k * 1800));
    expect(data?.values).toEqual([0, 1, 2, 3, 4, 5].map((k) => k * 30 * 102));
  });

  it("returns null when the query selects nothing", async () => {
    const source = createPrometheusSource({ name: "prom", url: prom.url });
    expect(await source.queryRange('cg_latency_seconds{service="nope"}', lastHalfHour)).toBeNull();
  });

  it("refuses a query that selects two series and suggests an aggregation", async () => {
    const source = createPrometheusSource({ name: "prom", url: prom.url });
    const err = await caught(source.queryRange("rate(cg_requests_total[5m])", lastHalfHour));
    expect(err.kind).toBe("too-many-series");
    expect(err.message).toContain("2 series");
    expect(err.message).toContain('code="200"');
    expect(err.message).toContain('code="500"');
    expect(err.message).not.toContain("service=");
    expect(err.message).toMatch(/sum\(\.\.\.\)/);
  });

  it("passes on Prometheus's own message for bad PromQL", async () => {
    const source = createPrometheusSource({ name: "prom", url: prom.url });
    const err = await caught(source.queryRange("sum(cg_latency_seconds", lastHalfHour));
    expect(err.kind).toBe("query");
    expect(err.message).toMatch(/parse error/);
  });

  it("serves recording rules evaluated over the backfilled data", async () => {
    const source = createPrometheusSource({ name: "prom", url: prom.url });
    let data = null;
    for (let i = 0; i < 50 && !data; i++) {
      const end = new Date();
      data = await source.queryRange("cg:latency:max", { start: new Date(end.getTime() - 10_000), end, stepSeconds: 1 });
      if (!data) await new Promise((r) => setTimeout(r, 100));
    }
    // Evaluated at "now": the latest sample, a minute old, is within the 5 min lookback.
    expect(data?.values.at(-1)).toBe(latency.at(-1));
  });

  it("links to the graph page with the query", async () => {
    const source = createPrometheusSource({ name: "prom", url: prom.url });
    const query = 'histogram_quantile(0.99, sum by (le) (rate(x_bucket{a="b c"}[5m])))';
    const link = new URL(source.queryLink!(query, lastHalfHour));
    expect(`${link.origin}${link.pathname}`).toBe(`${prom.url}/graph`);
    expect(link.searchParams.get("g0.expr")).toBe(query);
    expect(link.searchParams.get("g0.tab")).toBe("0");
    expect(link.searchParams.get("g0.range_input")).toBe("1740s");
    expect(link.searchParams.get("g0.end_input")).toBe(lastHalfHour.end.toISOString());
    expect(link.searchParams.get("g0.step_input")).toBe("60");
    expect((await fetch(link)).status).toBe(200);
  });

  it("reports a closed port as unreachable", async () => {
    const url = await closedPortUrl();
    const source = createPrometheusSource({ name: "prom", url });
    const err = await caught(source.queryRange("up", lastHalfHour));
    expect(err.kind).toBe("unreachable");
    expect(err.message).toContain(url);
  });
});

describe("Prometheus source against misbehaving HTTP servers", () => {
  const ok = JSON.stringify({
    status: "success",
    data: { resultType: "matrix", result: [{ metric: { job: "x" }, values: [[1700000000, "1"]] }] },
  });

  it("times out within the timeout on a server that never answers", async () => {
    const url = await serve(() => undefined);
    const source = createPrometheusSource({ name: "slow", url, timeoutMs: 300 });
    const started = Date.now();
    const err = await caught(source.queryRange("up", lastHalfHour));
    expect(err.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("retries a 500 and succeeds", async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      res.writeHead(hits === 1 ? 500 : 200, { "content-type": "application/json" }).end(hits === 1 ? "oops" : ok);
    });
    const data = await createPrometheusSource({ name: "flaky", url }).queryRange("up", lastHalfHour);
    expect(data).toEqual({ labels: { job: "x" }, timestamps: [1700000000], values: [1] });
    expect(hits).toBe(2);
  });

  it("honours Retry-After on 429", async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      if (hits === 1) res.writeHead(429, { "retry-after": "1" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(ok);
    });
    const started = Date.now();
    const data = await createPrometheusSource({ name: "busy", url }).queryRange("up", lastHalfHour);
    expect(data?.values).toEqual([1]);
    expect(hits).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("keeps headers, query string and credentials out of a failure message", async () => {
    const url = await serve((req, res) => res.writeHead(503).end(`denied for ${req.headers["x-api-key"]}`));
    const withCredentials = url.replace("http://", "http://user:hunter22@");
    const source = createPrometheusSource({ name: "p", url: withCredentials, headers: { "x-api-key": "k-SECRET-123" } });
    const err = await caught(source.queryRange("secret_metric", lastHalfHour));
    expect(err.kind).toBe("http-status");
    expect(err.status).toBe(503);
    expect(err.message).toContain("denied for [redacted]");
    expect(err.message).not.toMatch(/k-SECRET-123|hunter22|secret_metric|query=/);
  });

  it("calls a non-JSON answer a bad response", async () => {
    const url = await serve((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>hi</html>"));
    const err = await caught(createPrometheusSource({ name: "html", url }).queryRange("up", lastHalfHour));
    expect(err.kind).toBe("bad-response");
  });

  it("reads histogram buckets sorted by le, made cumulative, with a step missing from a bucket as zero", async () => {
    const matrix = (le: string, values: Array<[number, string]>) => ({ metric: { le }, values });
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          matrix("+Inf", [[100, "10"], [160, "12"], [220, "9"]]),
          matrix("0.5", [[100, "6"], [220, "5"]]),
          matrix("0.1", [[100, "2"], [160, "NaN"], [220, "7"]]),
        ],
      },
    });
    let query = "";
    const url = await serve((req, res) => {
      query = new URL(req.url ?? "", "http://x").searchParams.get("query") ?? "";
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    });
    const buckets = await createPrometheusSource({ name: "h", url }).queryBuckets?.('latency_bucket{job="x"}', lastHalfHour);
    expect(query).toBe('sum by (le) (increase(latency_bucket{job="x"}[60s]))');
    expect(buckets).toEqual({
      le: [0.1, 0.5, Infinity],
      timestamps: [100, 160, 220],
      // increase() extrapolates each bucket alone: a bucket above the next one is lifted to it, NaN counts as 0.
      counts: [
        [2, 6, 10],
        [0, 0, 12],
        [7, 7, 9],
      ],
    });
  });

  it("calls a sample that is not [unix seconds, \"value\"] a bad response", async () => {
    const body = JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: {}, values: [[1700000000, 1]] }] } });
    const url = await serve((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
    const err = await caught(createPrometheusSource({ name: "odd", url }).queryRange("up", lastHalfHour));
    expect(err.kind).toBe("bad-response");
  });

  it("asks for an uncompressed answer", async () => {
    let encoding: string | undefined;
    const url = await serve((req, res) => {
      encoding = req.headers["accept-encoding"];
      res.writeHead(200, { "content-type": "application/json" }).end(ok);
    });
    await createPrometheusSource({ name: "plain", url }).queryRange("up", lastHalfHour);
    expect(encoding).toBe("identity");
  });

  it("keeps at most maxConcurrentQueries queries in flight and answers them all", async () => {
    let inFlight = 0;
    let most = 0;
    const url = await serve((_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { "content-type": "application/json" }).end(ok);
      }, 30);
    });
    const source = createPrometheusSource({ name: "busy", url, maxConcurrentQueries: 3 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => source.queryRange("up", lastHalfHour)));
    expect(answers.every((answer) => answer?.values[0] === 1)).toBe(true);
    expect(most).toBe(3);
  });

  it("cuts off an endless body as a bad response", async () => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on("drain", pump);
      pump();
    });
    const started = Date.now();
    const err = await caught(createPrometheusSource({ name: "huge", url, timeoutMs: 20_000 }).queryRange("up", lastHalfHour));
    expect(err.kind).toBe("bad-response");
    expect(err.message).toMatch(/larger than/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

/** A local HTTP server for the test, closed (with its open connections) when the test ends. */
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
