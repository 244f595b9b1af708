import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertmanagerSource } from "../../src/sources/alertmanager.js";
import { createPrometheusAlertsSource } from "../../src/sources/prometheus-alerts.js";
import { createPrometheusSource } from "../../src/sources/prometheus.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { createSilence, postAlerts, startAlertmanager, type AlertmanagerInstance } from "../helpers/alertmanager.js";
import { startPrometheus, type PrometheusInstance } from "../helpers/prometheus.js";

// DiskAlmostFull fires as soon as Prometheus starts, before the rollouts below start. NewErrors fires
// only from `laterAt`, after they started: far enough ahead for a slow set-up (the daemons, a first
// PGlite) on a loaded machine.
const laterAt = Math.floor(Date.now() / 1000) + 25;
const rules = `
groups:
  - name: canary-gate
    rules:
      - alert: DiskAlmostFull
        expr: vector(1)
        labels: { service: shop, severity: page }
      - alert: NewErrors
        expr: vector(time()) > ${laterAt}
        labels: { service: shop, severity: page }
      - alert: OtherTeam
        expr: vector(1)
        labels: { service: cart, severity: page }
`;

let prometheus: PrometheusInstance;
let alertmanager: AlertmanagerInstance;
let t: TestApp;

async function waitFor(what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 40_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const firing = async (name: string) => {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: Array<{ labels: { alertname: string }; state: string }> } };
  return body.data.alerts.some((alert) => alert.labels.alertname === name && alert.state === "firing");
};

beforeAll(async () => {
  [prometheus, alertmanager] = await Promise.all([startPrometheus({ series: [], rules }), startAlertmanager()]);
  await waitFor("DiskAlmostFull to fire", () => firing("DiskAlmostFull"));
  const prometheusOptions = { name: "prometheus", url: prometheus.url };
  t = await createTestApp({
    sources: [createPrometheusSource(prometheusOptions), createPrometheusAlertsSource(prometheusOptions), createAlertmanagerSource({ name: "alertmanager", url: alertmanager.url })],
  });
  const monitorGate = (extra: Record<string, unknown>) => ({ delay: "0s", checks: [{ name: "alerts", type: "monitor", source: "prometheus", selector: 'service="{{service}}"', critical: true, ...extra }] });
  for (const [name, gate] of Object.entries({
    "disk-default": monitorGate({ alertname: "DiskAlmostFull" }),
    "disk-strict": monitorGate({ alertname: "DiskAlmostFull", ignorePreexisting: false }),
    // steadyFor keeps the rollout open for a minute, so a later evaluation can see the new alert.
    "new-errors": { ...monitorGate({ alertname: "NewErrors" }), steadyFor: "60s" },
    typo: monitorGate({ alertname: "NewErorrs" }),
    am: { delay: "0s", checks: [{ name: "am-alerts", type: "monitor", source: "alertmanager", selector: 'service="{{service}}"' }] },
  })) {
    const response = await t.request("PUT", `/v1/gates/${name}`, gate);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
  await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
});

const start = async (gate: string, version: string) =>
  (await t.request("POST", "/v1/rollouts", { gate, service: "shop", environment: "prod", version })).body.id as string;
const evaluate = async (id: string) => (await t.request("POST", `/v1/rollouts/${id}/evaluate`)).body;
const monitorsOf = async (id: string) => (await t.request("GET", `/v1/rollouts/${id}`)).body.evaluations[0].checks[0].details;

describe("monitor checks on a real Prometheus", () => {
  it("ignores an alert that was firing before the rollout started, and says so", async () => {
    const id = await start("disk-default", "v1");
    const verdict = await evaluate(id);
    expect(verdict).toMatchObject({ verdict: "continue", final: true });
    expect(verdict.checks[0].summary).toMatch(/Left out: DiskAlmostFull \(alerting since .*, before the rollout started at/);
    const details = await monitorsOf(id);
    expect(details.matched).toBe(1);
    expect(details.monitors).toEqual([expect.objectContaining({ name: "DiskAlmostFull", verdict: "preexisting" })]);
  });

  it("fails on the same pre-existing alert with ignorePreexisting: false, linking to it", async () => {
    const verdict = await evaluate(await start("disk-strict", "v1"));
    expect(verdict).toMatchObject({ verdict: "halt", final: true });
    expect(verdict.reason).toMatch(/^Critical check alerts: alerts: 1 monitor alerting since the rollout started: DiskAlmostFull/);
  });

  it("fails when an alert starts firing after the rollout started", async () => {
    expect(Date.now() / 1000, "the set-up took so long that NewErrors fires before the rollout starts").toBeLessThan(laterAt - 1);
    const id = await start("new-errors", "v2");
    expect(await evaluate(id)).toMatchObject({ verdict: "pending", checks: [{ result: "pass" }] });
    await waitFor("NewErrors to fire", () => firing("NewErrors"));
    const verdict = await evaluate(id);
    expect(verdict).toMatchObject({ verdict: "halt", final: true });
    const details = await monitorsOf(id);
    expect(details.monitors[0]).toMatchObject({ name: "NewErrors", verdict: "alerting", labels: expect.objectContaining({ service: "shop" }) });
    expect(details.monitors[0].link).toContain(`${prometheus.url}/graph?g0.expr=`);
  }, 60_000);

  it("errors (and halts, failing closed) when the alertname matches no rule", async () => {
    const verdict = await evaluate(await start("typo", "v1"));
    expect(verdict).toMatchObject({ verdict: "halt" });
    expect(verdict.checks[0].summary).toContain('No monitor matches alertname=~"NewErorrs"');
  });
});

describe("monitor checks on a real Alertmanager", () => {
  it("fails on a firing alert, and passes once it is silenced", async () => {
    await postAlerts(alertmanager, [{ labels: { alertname: "CheckoutDown", service: "shop", severity: "page" }, startsAt: new Date(Date.now() + 1_000).toISOString() }]);
    const id = await start("am", "v1");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const failing = await evaluate(id);
    expect(failing).toMatchObject({ verdict: "halt" });
    expect(failing.checks[0].summary).toContain("CheckoutDown");
    await createSilence(alertmanager, { alertname: "CheckoutDown" });
    const silenced = await evaluate(await start("am", "v2"));
    expect(silenced).toMatchObject({ verdict: "continue" });
    expect(silenced.checks[0].summary).toMatch(/Left out: CheckoutDown.*muted or silenced/);
  });
});
