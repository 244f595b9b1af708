import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PALETTE } from "../../src/http/pages/styles.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { StaticSource } from "../helpers/static-source.js";
import { MONITOR_LINK, addEvaluation, minutesAfter, result, run, seedHaltedRollout, seedRollout } from "./fixtures.js";

const GRAFANA = "https://grafana.test";
const source = new StaticSource();
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ auth: { publicPages: true }, sources: [source], grafanaUrl: GRAFANA, now: () => new Date("2025-06-01T12:30:00Z") });
});

afterAll(async () => {
  await t?.close();
});

async function page(path: string) {
  const response = await t.app.request(path);
  return { status: response.status, type: response.headers.get("content-type"), html: await response.text() };
}

const cardNames = (html: string) => [...html.matchAll(/<h3 id="check-\d+-name">([^<]*)<\/h3>/g)].map((match) => match[1]);
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!.replaceAll("&amp;", "&"));

describe("GET /rollouts/{id}", () => {
  it("shows a halted rollout's verdict, then its failing checks first with their numbers and links", async () => {
    const rollout = await seedHaltedRollout(t.database.db);
    const { status, type, html } = await page(`/rollouts/${rollout.id}`);
    expect(status).toBe(200);
    expect(type).toContain("text/html");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toMatch(/<h2 id="verdict" class="verdict"><span class="badge halt">halt<\/span> Halt, final<\/h2>/);
    expect(html).toContain("Critical check alerts: alerts: 1 monitor alerting since the rollout started: HighLatency.");
    expect(html).toContain("0 of 100");
    expect(html).toContain("none: the verdict is final");
    // Failing first (critical monitor check before the metric), then inconclusive, then pass.
    expect(cardNames(html)).toEqual(["alerts", "latency", "errors", "tail"]);
    expect(html.indexOf(MONITOR_LINK)).toBeLessThan(html.indexOf('id="check-1-name"'));
    expect(html).toContain(`<a href="${MONITOR_LINK}" rel="noopener noreferrer">HighLatency</a>`);
    // The latency check's numbers: the relative change and its interval, p-value and e-value.
    expect(html).toContain("+12.2% (interval +6.1% to +18.3%)");
    expect(html).toMatch(/<dt>p-value<\/dt><dd>0.0021<\/dd>/);
    expect(html).toMatch(/<dt>e-value \(evidence of a regression\)<\/dt><dd>476<\/dd>/);
    expect(html).toContain("<dd>an increase is a regression</dd>");
    // Sequential tests store no summaries: the table summarises the points read (30 baseline, 5 + 4 canary).
    expect(html).toContain('<tr><th scope="row">n</th><td class="num">30</td><td class="num">9</td></tr>');
    // The query in its source, over the whole window the rollout read, and in Grafana Explore.
    const links = hrefs(html);
    expect(links).toContain(`${GRAFANA}/d/canary-gate-rollout/canary-gate-rollout?var-rollout=${rollout.id}`);
    const explore = links.filter((href) => href.startsWith(`${GRAFANA}/explore?schemaVersion=1&panes=`));
    const latencyPane = explore.map((href) => JSON.parse(new URL(href).searchParams.get("panes")!).cg).find((pane) => pane.queries[0].expr.startsWith("histogram_quantile"));
    expect(latencyPane.range.from).toBe(String(Date.parse("2025-06-01T11:30:00Z")));
    expect(links.some((href) => href.startsWith("http://static.test/graph?q=histogram_quantile"))).toBe(true);
    expect(html.match(/rel="noopener noreferrer"/g)!.length).toBe(links.filter((href) => !href.startsWith("/") && !href.startsWith("#")).length);
    // Sequential checks read new canary points each evaluation: the chart joins 5 + 4 of them.
    expect(html).toContain("canary: 9 points");
    // The timeline: both evaluations, newest first.
    expect(html.indexOf("2025-06-01 12:10:00 UTC")).toBeLessThan(html.indexOf("2025-06-01 12:06:00 UTC"));
  });

  it("draws counts and histogram checks as charts with a title, a description and a data table", async () => {
    const rollout = await seedHaltedRollout(t.database.db);
    const { html } = await page(`/rollouts/${rollout.id}`);
    const svgs = html.match(/<svg[^>]*role="img"[^>]*>[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(3);
    expect(html).toMatch(/<title id="check-2-chart-title">errors: error rate per step, baseline and canary<\/title>/);
    expect(html).toMatch(/<title id="check-3-chart-title">tail: share of requests per bucket, baseline and canary<\/title>/);
    expect(html).toContain('aria-labelledby="check-3-chart-title check-3-chart-desc"');
    // Counts: errors ÷ requests per step; the canary joins 5 + 4 steps.
    expect(html).toMatch(/canary: 0\.\d+% errors \([\d.]+ of [\d,.]+ requests over 9 steps\)/);
    // Histogram: shares per bucket from cumulative counts; canary counts add up across evaluations.
    expect(html).toContain("<tr><th scope=\"row\">≤ 0.1</th><td class=\"num\">50%</td><td class=\"num\">40%</td></tr>");
    expect(html).toContain("in the slowest bucket (&gt; 1): baseline 1%, canary 2%");
  });

  it("escapes hostile strings and never links to javascript: URLs", async () => {
    const hostile = "<script>alert(1)</script>";
    const rollout = await seedRollout(t.database.db, { service: hostile, environment: `prod "eu" & 'us'`, version: "v1 ü 🚀", labels: { team: '<img src=x onerror="alert(2)">' } });
    const query = `sum(rate(x{a="${hostile}"}[1m])) & 'q'`;
    await addEvaluation(t.database.db, rollout.id, {
      at: minutesAfter(rollout.startedAt, 5),
      verdict: "halt",
      isFinal: true,
      reason: `Critical check ${hostile}`,
      score: 0,
      results: [
        result("mon", "fail", { type: "monitor", kind: null, monitors: [{ id: "1", name: hostile, status: "alert", since: null, labels: { [hostile]: `"&'` }, link: "javascript:alert(3)", verdict: "alerting", reason: hostile }] }, { summary: hostile }),
        result("latency", "fail", { queries: [run("canary", query, rollout.startedAt, [1, 2, 3])], error: { kind: "query", message: hostile } }, { summary: hostile }),
      ],
    });
    const { status, html } = await page(`/rollouts/${rollout.id}`);
    expect(status).toBe(200);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("prod &quot;eu&quot; &amp; &#39;us&#39;");
    expect(html).toContain("v1 ü 🚀");
    expect(html).toContain("sum(rate(x{a=&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}[1m])) &amp; &#39;q&#39;");
    const list = await page(`/rollouts?environment=${encodeURIComponent("prod")}`);
    expect(list.html).not.toContain("<script");
  });

  it("answers an unknown id with a 404 page and a malformed id with a 400 page", async () => {
    const missing = await page("/rollouts/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.type).toContain("text/html");
    expect(missing.html).toContain("<h1>Rollout not found</h1>");
    expect(missing.html).toContain("There is no rollout with id 00000000-0000-4000-8000-000000000000");
    const malformed = await page("/rollouts/%3Cscript%3Enope");
    expect(malformed.status).toBe(400);
    expect(malformed.type).toContain("text/html");
    expect(malformed.html).toContain("is not a rollout id");
    expect(malformed.html).toContain("&lt;script&gt;nope");
    expect(malformed.html).not.toContain("<script");
  });

  it("renders a rollout evaluated through the API, joining the canary points of every evaluation", async () => {
    let now = new Date();
    // A canary 2% slower than a noisy baseline: too close to the 5% tolerance to decide on 12 points.
    const noisy = (mean: number, n: number) => Array.from({ length: n }, (_, i) => mean * (1 + 0.15 * Math.sin(i * 1.7)));
    const api = await createTestApp({ auth: { publicPages: true }, sources: [new StaticSource().set("canary_latency", noisy(0.102, 12)).set("baseline_latency", noisy(0.1, 30))], now: () => now });
    try {
      const gate = { delay: "1m", interval: "1m", timeout: "1h", checks: [{ name: "latency", source: "prometheus", query: "canary_latency", baselineQuery: "baseline_latency" }] };
      expect((await api.request("PUT", "/v1/gates/api-gate", gate)).status).toBe(201);
      const started = new Date(now.getTime() - 40 * 60_000);
      const { body } = await api.request("POST", "/v1/rollouts", { gate: "api-gate", service: "shop", environment: "prod", version: "v2", startedAt: started.toISOString() });
      now = minutesAfter(started, 14);
      await api.request("POST", `/v1/rollouts/${body.id}/evaluate`);
      now = minutesAfter(started, 30);
      await api.request("POST", `/v1/rollouts/${body.id}/evaluate`);
      expect((await api.request("GET", `/v1/rollouts/${body.id}/verdict`)).body).toMatchObject({ verdict: "pending" });
      const response = await api.app.request(new URL(body.investigationUrl).pathname);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(html).toContain("latency: baseline and canary over time");
      expect(html).toContain("baseline: 30 points");
      expect(html).toContain("canary: 24 points");
    } finally {
      await api.close();
    }
  });
});

describe("GET /rollouts", () => {
  it("lists halted rollouts first, then the rest newest first, filtered by service, environment and verdict", async () => {
    const service = "listsvc";
    const at = (minutes: number) => minutesAfter(new Date("2025-06-01T10:00:00Z"), minutes);
    const old = await seedRollout(t.database.db, { service, version: "v-old", startedAt: at(0), createdAt: at(0), verdict: "continue", isFinal: true });
    const halted = await seedRollout(t.database.db, { service, version: "v-halted", startedAt: at(10), createdAt: at(10), verdict: "halt", isFinal: true });
    const fresh = await seedRollout(t.database.db, { service, version: "v-fresh", startedAt: at(20), createdAt: at(20) });
    await seedRollout(t.database.db, { service, environment: "staging", version: "v-staging", startedAt: at(30), createdAt: at(30) });
    const { status, html } = await page(`/rollouts?service=${service}&environment=prod&verdict=`);
    expect(status).toBe(200);
    const order = [...html.matchAll(/href="\/rollouts\/([0-9a-f-]{36})"/g)].map((match) => match[1]);
    expect(order).toEqual([halted.id, fresh.id, old.id]);
    expect(html).toMatch(/<label>Service<input type="text" name="service" value="listsvc"/);
    const onlyHalted = await page(`/rollouts?service=${service}&verdict=halt`);
    expect([...onlyHalted.html.matchAll(/href="\/rollouts\/([0-9a-f-]{36})"/g)].map((match) => match[1])).toEqual([halted.id]);
    expect(onlyHalted.html).toMatch(/<option value="halt" selected="">halt<\/option>/);
  });

  it("answers bad filter values with a 400 page naming the parameter", async () => {
    const verdict = await page("/rollouts?verdict=maybe");
    expect(verdict.status).toBe(400);
    expect(verdict.type).toContain("text/html");
    expect(verdict.html).toContain("The filter parameter “verdict”");
    const service = await page(`/rollouts?service=${encodeURIComponent("<b>x</b>")}`);
    expect(service.status).toBe(400);
    expect(service.html).toContain("The filter parameter “service” must start with a letter or digit");
    const unknown = await page("/rollouts?colour=red");
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain("The filter parameter “colour” is not a filter of this page");
  });
});

describe("colours", () => {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };

  it("keeps text at 4.5:1 or more against its background (WCAG 2 AA)", () => {
    const white = "#ffffff";
    for (const status of ["halt", "continue", "pending", "fail", "error", "nodata", "inconclusive", "pass"] as const) expect(contrast(PALETTE[status], white)).toBeGreaterThanOrEqual(4.5);
    for (const background of [PALETTE.background, PALETTE.surface, PALETTE.haltRow]) {
      for (const text of [PALETTE.text, PALETTE.muted, PALETTE.link]) expect(contrast(text, background)).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrast(white, PALETTE.header)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(PALETTE.baseline, white)).toBeGreaterThanOrEqual(3);
    expect(contrast(PALETTE.canary, white)).toBeGreaterThanOrEqual(3);
  });
});
