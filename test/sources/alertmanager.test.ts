import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertmanagerSource } from "../../src/sources/alertmanager.js";
import { MINIMAL_CONFIG, createSilence, freePort, postAlerts, startAlertmanager, type AlertmanagerInstance } from "../helpers/alertmanager.js";
import { caught } from "../helpers/caught.js";

const now = Math.floor(Date.now() / 1000) * 1000;
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();
const lastHour = () => ({ start: new Date(now - 3_600_000), end: new Date() });

// ShopDown inhibits warnings of the same service, so ShopSlow is suppressed without a silence.
const config = `${MINIMAL_CONFIG}inhibit_rules:
  - source_matchers: [alertname="ShopDown"]
    target_matchers: [severity="warning"]
    equal: [service]
`;

let am: AlertmanagerInstance;
let silenceId: string;

beforeAll(async () => {
  am = await startAlertmanager({ config });
  await postAlerts(am, [
    { labels: { alertname: "ShopDown", service: "shop", severity: "page" }, startsAt: minutesAgo(10) },
    { labels: { alertname: "ShopSlow", service: "shop", severity: "warning" }, startsAt: minutesAgo(5) },
    { labels: { alertname: "CartDown", service: "cart", severity: "page", instance: 'pod "a"\\1' }, startsAt: minutesAgo(0) },
    // Resolved before the tests look: Alertmanager no longer returns it.
    { labels: { alertname: "OldBlip", service: "shop", severity: "page" }, startsAt: minutesAgo(20), endsAt: minutesAgo(15) },
  ]);
  silenceId = await createSilence(am, { alertname: "CartDown" });
});

afterAll(async () => {
  await am?.stop();
});


describe("Alertmanager source against a real Alertmanager", () => {
  it("lists the alerts it holds with since, labels, an open period and a UI link; matched is null", async () => {
    const source = createAlertmanagerSource({ name: "am", url: am.url });
    const report = await source.listMonitors({}, lastHour());
    expect(report.matched).toBeNull();
    expect(report.monitors.map((m) => m.name)).toEqual(["CartDown", "ShopDown", "ShopSlow"]);
    const shopDown = report.monitors.find((m) => m.name === "ShopDown");
    const labelSet = '{alertname="ShopDown", service="shop", severity="page"}';
    expect(shopDown).toEqual({
      id: `ShopDown${labelSet}`,
      name: "ShopDown",
      status: "alert",
      muted: false,
      since: minutesAgo(10),
      labels: { alertname: "ShopDown", service: "shop", severity: "page" },
      periods: [{ status: "alert", start: minutesAgo(10), end: null }],
      link: `${am.url}/#/alerts?silenced=true&inhibited=true&muted=true&active=true&filter=${encodeURIComponent(labelSet)}`,
    });
  });

  it("flags silenced and inhibited alerts as muted", async () => {
    const source = createAlertmanagerSource({ name: "am", url: am.url });
    const { monitors } = await source.listMonitors({}, lastHour());
    const muted = Object.fromEntries(monitors.map((m) => [m.name, m.muted]));
    expect(muted).toEqual({ CartDown: true, ShopDown: false, ShopSlow: true });
    expect(silenceId).toMatch(/\S/);
  });

  it("filters by an anchored alertname regex and by selector, escapes included", async () => {
    const source = createAlertmanagerSource({ name: "am", url: am.url });
    const names = async (query: { alertname?: string; selector?: string }) =>
      (await source.listMonitors(query, lastHour())).monitors.map((m) => m.name);
    expect(await names({ alertname: "Shop.*" })).toEqual(["ShopDown", "ShopSlow"]);
    expect(await names({ alertname: "Shop" })).toEqual([]);
    expect(await names({ selector: 'service="shop", severity=~"critical|page"' })).toEqual(["ShopDown"]);
    expect(await names({ alertname: ".*Down", selector: '{service!="shop"}' })).toEqual(["CartDown"]);
    expect(await names({ selector: 'instance="pod \\"a\\"\\\\1"' })).toEqual(["CartDown"]);
    expect(await names({ selector: 'team="nobody"' })).toEqual([]);
  });

  it("clips periods to the window and leaves out alerts that began after it", async () => {
    const source = createAlertmanagerSource({ name: "am", url: am.url });
    const recent = await source.listMonitors({ alertname: "ShopDown" }, { start: new Date(now - 120_000), end: new Date() });
    expect(recent.monitors[0]?.since).toBe(minutesAgo(10));
    expect(recent.monitors[0]?.periods).toEqual([{ status: "alert", start: minutesAgo(2), end: null }]);
    const earlier = await source.listMonitors({}, { start: new Date(now - 3_600_000), end: new Date(now - 7 * 60_000) });
    expect(earlier.monitors.map((m) => m.name)).toEqual(["ShopDown"]);
  });

  it("rejects a malformed selector, and a regex Alertmanager refuses, as query errors", async () => {
    const source = createAlertmanagerSource({ name: "am", url: am.url });
    expect((await caught(source.listMonitors({ selector: "service=shop" }, lastHour()))).kind).toBe("query");
    // Valid in JavaScript, not in Go's RE2: Alertmanager answers 400 with its own explanation.
    const refused = await caught(source.listMonitors({ alertname: "(?=Shop)Shop.*" }, lastHour()));
    expect(refused.kind).toBe("query");
    expect(refused.message).toContain("Alertmanager rejected the filter");
  });

  it("reports an Alertmanager that does not answer as unreachable", async () => {
    const source = createAlertmanagerSource({ name: "am", url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 3000 });
    const err = await caught(source.listMonitors({}, lastHour()));
    expect(err.kind).toBe("unreachable");
  });
});
