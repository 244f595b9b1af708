import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSelector } from "../../src/sources/label-matchers.js";
import { createPrometheusAlertsSource } from "../../src/sources/prometheus-alerts.js";
import { gaugeSeries, startPrometheus, type PrometheusInstance } from "../helpers/prometheus.js";
import { caught } from "../helpers/caught.js";

// The shop's error ratio is low until ten minutes ago, then high up to now; the cart's stays low.
const now = Math.floor(Date.now() / 1000);
const first = now - 30 * 60;
const ratio = (high: boolean) => Array.from({ length: 60 }, (_, i) => (high && i >= 40 ? 0.2 : 0.01));
// Rules are evaluated only at "now", so the history of a resolved alert has to be written while the
// test runs: CanaryBlip fires from start-up until this instant, then resolves for good.
const blipUntil = now + 10;

const rules = `
groups:
  - name: canary
    rules:
      - alert: ShopErrorsHigh
        expr: cg_errors_ratio > 0.1
        for: 0s
        labels: { severity: page }
      - alert: ShopErrorsPending
        expr: cg_errors_ratio > 0.1
        for: 1h
        labels: { severity: page }
      - alert: CartErrorsHigh
        expr: cg_errors_ratio{service="cart"} > 0.5
        labels: { severity: ticket }
      - alert: CanaryBlip
        expr: vector(time()) < ${blipUntil}
        labels: { severity: page, service: shop }
`;

let prom: PrometheusInstance;

async function alertStates(): Promise<Record<string, string>> {
  const body = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as any;
  return Object.fromEntries(body.data.alerts.map((a: any) => [a.labels.alertname, a.state]));
}

async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  prom = await startPrometheus({
    series: [
      gaugeSeries("cg_errors_ratio", { service: "shop" }, first, 30, ratio(true)),
      gaugeSeries("cg_errors_ratio", { service: "cart" }, first, 30, ratio(false)),
    ],
    rules,
  });
  if (Date.now() > (blipUntil - 3) * 1000) throw new Error("Prometheus started too late to see CanaryBlip fire; raise blipUntil");
  await waitFor("ShopErrorsHigh to fire", async () => (await alertStates()).ShopErrorsHigh === "firing", 15_000);
});

afterAll(async () => {
  await prom?.stop();
});

const lastFiveMinutes = () => ({ start: new Date((now - 300) * 1000), end: new Date() });


describe("Prometheus alerts source against a real Prometheus", () => {
  it("lists a firing alert with its labels, since, an open period and a link to its ALERTS series", async () => {
    const source = createPrometheusAlertsSource({ name: "prom", url: prom.url });
    const window = lastFiveMinutes();
    const report = await source.listMonitors({ alertname: "ShopErrors.*" }, window);
    // ShopErrorsPending is selected (it counts) but only pending: not a firing monitor.
    expect((await alertStates()).ShopErrorsPending).toBe("pending");
    expect(report.matched).toBe(2);
    expect(report.monitors).toHaveLength(1);
    const [alert] = report.monitors;
    expect(alert).toMatchObject({
      id: 'ShopErrorsHigh{alertname="ShopErrorsHigh", service="shop", severity="page"}',
      name: "ShopErrorsHigh",
      status: "alert",
      muted: false,
      labels: { alertname: "ShopErrorsHigh", service: "shop", severity: "page" },
    });
    const since = Date.parse(alert?.since ?? "");
    expect(since).toBeGreaterThan((now - 5) * 1000);
    expect(since).toBeLessThanOrEqual(Date.now());
    expect(alert?.periods).toEqual([{ status: "alert", start: alert?.since, end: null }]);
    const link = new URL(alert?.link ?? "");
    expect(`${link.origin}${link.pathname}`).toBe(`${prom.url}/graph`);
    expect(link.searchParams.get("g0.expr")).toBe('ALERTS{alertname="ShopErrorsHigh", service="shop", severity="page"}');
    expect(link.searchParams.get("g0.end_input")).toBe(window.end.toISOString());
  });

  it("counts the rules an alertname selects, firing or not, and none for an unknown name", async () => {
    const source = createPrometheusAlertsSource({ name: "prom", url: prom.url });
    expect(await source.listMonitors({ alertname: "CartErrorsHigh" }, lastFiveMinutes())).toEqual({ matched: 1, monitors: [] });
    expect(await source.listMonitors({ alertname: "NoSuchAlert" }, lastFiveMinutes())).toEqual({ matched: 0, monitors: [] });
    // Anchored like PromQL's =~: a prefix alone selects nothing.
    expect((await source.listMonitors({ alertname: "Shop" }, lastFiveMinutes())).matched).toBe(0);
    expect((await source.listMonitors({}, lastFiveMinutes())).matched).toBe(4);
  });

  it("filters by selector: static rule labels decide `matched`, alert labels decide the monitors", async () => {
    const source = createPrometheusAlertsSource({ name: "prom", url: prom.url });
    const pages = await source.listMonitors({ selector: 'severity=~"critical|page"' }, lastFiveMinutes());
    expect(pages.matched).toBe(3);
    expect(pages.monitors.map((m) => m.name)).toContain("ShopErrorsHigh");

    const tickets = await source.listMonitors({ selector: '{severity="ticket"}' }, lastFiveMinutes());
    expect(tickets).toEqual({ matched: 1, monitors: [] });

    // `service` comes from the series for ShopErrorsHigh: the rule counts, its shop alert does not.
    const cart = await source.listMonitors({ alertname: "ShopErrorsHigh", selector: 'service="cart"' }, lastFiveMinutes());
    expect(cart).toEqual({ matched: 1, monitors: [] });
    const notShop = await source.listMonitors({ alertname: "ShopErrorsHigh", selector: 'service!~"sh.p"' }, lastFiveMinutes());
    expect(notShop.monitors).toEqual([]);
  });

  it("keeps an alert that fired and resolved during the window, with a closed period", async () => {
    await waitFor("CanaryBlip to resolve", async () => Date.now() > (blipUntil + 2) * 1000 && !("CanaryBlip" in (await alertStates())), 20_000);
    const source = createPrometheusAlertsSource({ name: "prom", url: prom.url });
    const report = await source.listMonitors({ alertname: "CanaryBlip" }, { start: new Date((now - 60) * 1000), end: new Date() });
    expect(report.matched).toBe(1);
    expect(report.monitors).toHaveLength(1);
    const [blip] = report.monitors;
    expect(blip).toMatchObject({ name: "CanaryBlip", status: "ok", labels: { alertname: "CanaryBlip", service: "shop", severity: "page" } });
    expect(blip?.periods).toHaveLength(1);
    const [period] = blip?.periods ?? [];
    // Step is 15 s for this window: the boundaries are exact to within one step.
    expect(Date.parse(period?.start ?? "")).toBeGreaterThanOrEqual((now - 60) * 1000);
    expect(Date.parse(period?.end ?? "")).toBeGreaterThanOrEqual(blipUntil * 1000 - 1000);
    expect(Date.parse(period?.end ?? "")).toBeLessThanOrEqual((blipUntil + 16) * 1000);
    expect(blip?.since).toBe(period?.end);

    // A window that ended before the blip began sees nothing of it.
    const before = await source.listMonitors({ alertname: "CanaryBlip" }, { start: new Date((now - 600) * 1000), end: new Date((now - 300) * 1000) });
    expect(before.monitors).toEqual([]);
  });

  it("rejects a malformed selector or alertname regex as a query error", async () => {
    const source = createPrometheusAlertsSource({ name: "prom", url: prom.url });
    for (const selector of ["service=shop", 'service="shop', 'service~"x"', 'a="1" b="2"', 'a=~"("', 'a="\\q"', "1a=\"x\""]) {
      const err = await caught(source.listMonitors({ selector }, lastFiveMinutes()));
      expect(err.kind, selector).toBe("query");
      expect(err.message, selector).toMatch(/selector|regular expression/);
    }
    expect((await caught(source.listMonitors({ alertname: "Shop(" }, lastFiveMinutes()))).kind).toBe("query");
  });

  it("reports an unreachable server as a SourceError", async () => {
    const source = createPrometheusAlertsSource({ name: "prom", url: "http://127.0.0.1:9", timeoutMs: 2000 });
    expect((await caught(source.listMonitors({}, lastFiveMinutes()))).kind).toBe("unreachable");
  });
});

describe("parseSelector", () => {
  it("reads PromQL matchers with braces, quotes, escapes and a trailing comma", () => {
    const matchers = parseSelector(`{ service = "shop",severity=~'critical|page', path!="a\\"b\\\\c", team!~\`x\\.y\`, }`);
    expect(matchers.map(({ name, op, value }) => ({ name, op, value }))).toEqual([
      { name: "service", op: "=", value: "shop" },
      { name: "severity", op: "=~", value: "critical|page" },
      { name: "path", op: "!=", value: 'a"b\\c' },
      { name: "team", op: "!~", value: "x\\.y" },
    ]);
    expect(parseSelector("  ")).toEqual([]);
  });
});
