import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceError } from "../../src/sources/types.js";
import { createTestApp, PUBLIC_URL, type TestApp } from "../helpers/app.js";
import { expectProblem } from "../helpers/problem.js";
import { StaticSource } from "../helpers/static-source.js";

const source = new StaticSource("prometheus");
let clock = new Date("2026-03-01T12:00:00Z");
let t: TestApp;

// Deterministic noise around 100: the same for baseline and a healthy canary.
const steady = Array.from({ length: 30 }, (_, i) => 100 + ((i * 37) % 11) / 10 - 0.5);
const regressed = steady.map((value) => value * 1.2);

beforeAll(async () => {
  source
    .set('lat{v="base"}', steady)
    .set('lat{v="good"}', steady)
    .set('lat{v="bad"}', regressed)
    .set('lat{v="down"}', new SourceError("unreachable", "connection refused"));
  t = await createTestApp({ sources: [source], now: () => clock });
  const gate = {
    delay: "1m",
    interval: "1m",
    timeout: "10m",
    checks: [{ name: "latency", source: "prometheus", query: 'lat{v="{{version}}"}', baselineQuery: 'lat{v="{{baselineVersion}}"}', critical: true }],
  };
  expect((await t.request("PUT", "/v1/gates/web", gate)).status).toBe(201);
  expect((await t.request("PUT", "/v1/gates/labelled", { checks: [{ ...gate.checks[0], query: 'lat{v="{{version}}",r="{{labels.region}}"}' }] })).status).toBe(201);
});
afterAll(async () => t?.close());


const start = (version: string, extra: Record<string, unknown> = {}) =>
  t.request("POST", "/v1/rollouts", { gate: "web", service: "shop", environment: "prod", version, baselineVersion: "base", ...extra });

describe("POST /v1/rollouts", () => {
  it("creates a pending rollout with links, and returns the same open rollout on retry", async () => {
    const created = await start("good", { labels: { team: "payments" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ gate: { name: "web", version: 1 }, service: "shop", verdict: "pending", final: false, labels: { team: "payments" } });
    expect(created.body.verdictUrl).toBe(`${PUBLIC_URL}/v1/rollouts/${created.body.id}/verdict`);
    expect(created.body.investigationUrl).toBe(`${PUBLIC_URL}/rollouts/${created.body.id}`);
    expect(created.body.reason).toContain("1m stabilisation delay");
    expect(created.body.nextEvaluationAt).toBe(new Date(clock.getTime() + 60_000).toISOString());

    const again = await start("good");
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
  });

  it("names the bad field, the unknown gate and the missing label", async () => {
    const bad = await t.request("POST", "/v1/rollouts", { gate: "web", service: 'shop"}', environment: "prod", version: "v1" });
    expectProblem(bad, 400, "/problems/validation");
    expect(bad.body.errors[0].path).toBe("body.service");
    expectProblem(await t.request("POST", "/v1/rollouts", { gate: "web", environment: "prod", version: "v1" }), 400, "/problems/validation");
    expectProblem(await t.request("POST", "/v1/rollouts", { gate: "web", service: "s", environment: "e", version: "v", color: "red" }), 400, "/problems/validation");
    expectProblem(await start("x", { startedAt: "yesterday" }), 400, "/problems/validation");
    expectProblem(await start("x", { startedAt: new Date(clock.getTime() + 3_600_000).toISOString() }), 400, "/problems/rollout-invalid");
    const unknown = await t.request("POST", "/v1/rollouts", { gate: "nope", service: "s", environment: "e", version: "v" });
    expectProblem(unknown, 404, "/problems/gate-not-found");
    const missing = await t.request("POST", "/v1/rollouts", { gate: "labelled", service: "s", environment: "e", version: "v" });
    expectProblem(missing, 400, "/problems/rollout-invalid");
    expect(missing.body.errors[0].path).toBe("body.labels.region");
    expectProblem(await t.request("POST", "/v1/rollouts", "[]"), 400, "/problems/validation");
    expectProblem(await t.request("POST", "/v1/rollouts", "{"), 400, "/problems/malformed-json");
  });
});

describe("evaluation through the API", () => {
  it("stays pending before the delay, then continues on healthy data", async () => {
    const { body } = await start("good");
    const early = await t.request("POST", `/v1/rollouts/${body.id}/evaluate`);
    expect(early.body).toMatchObject({ verdict: "pending", final: false, evaluatedAt: null });

    clock = new Date(clock.getTime() + 5 * 60_000);
    const verdict = await t.request("POST", `/v1/rollouts/${body.id}/evaluate`);
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({ verdict: "continue", final: true, score: 100, nextEvaluationAt: null });
    expect(verdict.body.checks).toEqual([expect.objectContaining({ name: "latency", result: "pass", critical: true })]);

    const polled = await t.request("GET", `/v1/rollouts/${body.id}/verdict`);
    expect(polled.body).toEqual(verdict.body);
    expect(polled.headers.get("cache-control")).toBe("no-store");

    const detail = await t.request("GET", `/v1/rollouts/${body.id}`);
    expect(detail.body.evaluations).toHaveLength(1);
    const [result] = detail.body.evaluations[0].checks;
    expect(result).toMatchObject({ name: "latency", result: "pass", test: "sequential-mean" });
    expect(result.details.queries.map((q: { role: string; query: string }) => [q.role, q.query])).toEqual(
      expect.arrayContaining([["baseline", 'lat{v="base"}'], ["canary", 'lat{v="good"}']]),
    );
    expect(result.lower).toBeLessThanOrEqual(0);
    expect(result.upper).toBeGreaterThanOrEqual(0);
  });

  it("halts a 20% regression of a critical check and says why", async () => {
    const { body } = await start("bad", { startedAt: new Date(clock.getTime() - 10 * 60_000).toISOString() });
    const verdict = await t.request("POST", `/v1/rollouts/${body.id}/evaluate`);
    expect(verdict.body).toMatchObject({ verdict: "halt", final: true, score: 0 });
    expect(verdict.body.reason).toMatch(/^Critical check latency: /);
    expect(verdict.body.checks[0]).toMatchObject({ result: "fail" });
    const again = await t.request("POST", `/v1/rollouts/${body.id}/evaluate`);
    expect(again.body).toEqual(verdict.body);
  });

  it("fails closed when the source is down", async () => {
    const { body } = await start("down", { startedAt: new Date(clock.getTime() - 10 * 60_000).toISOString() });
    const verdict = await t.request("POST", `/v1/rollouts/${body.id}/evaluate`);
    expect(verdict.body).toMatchObject({ verdict: "halt", final: true });
    expect(verdict.body.checks[0]).toMatchObject({ result: "fail" });
    const detail = await t.request("GET", `/v1/rollouts/${body.id}`);
    expect(detail.body.evaluations[0].checks[0].details).toMatchObject({ rawResult: "error", error: { kind: "unreachable" } });
  });
});

describe("verdict, listing and cancel", () => {
  it("404s unknown ids and 400s malformed ones on every rollout route", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const [method, path] of [["GET", ""], ["GET", "/verdict"], ["POST", "/evaluate"], ["POST", "/cancel"]] as const) {
      expectProblem(await t.request(method, `/v1/rollouts/${unknown}${path}`), 404, "/problems/rollout-not-found");
      expectProblem(await t.request(method, `/v1/rollouts/not-a-uuid${path}`), 400, "/problems/validation");
    }
  });

  it("cancels an open rollout once, as a final halt", async () => {
    const { body } = await start("cancel-me");
    const cancelled = await t.request("POST", `/v1/rollouts/${body.id}/cancel`, { reason: "rolled back by hand" });
    expect(cancelled.body).toMatchObject({ verdict: "halt", final: true, reason: "Cancelled: rolled back by hand." });
    expectProblem(await t.request("POST", `/v1/rollouts/${body.id}/cancel`), 409, "/problems/rollout-final");
    expectProblem(await t.request("POST", `/v1/rollouts/${body.id}/cancel`, { reason: 5 }), 400, "/problems/validation");
    const restarted = await start("cancel-me");
    expect(restarted.status).toBe(201);
    expect(restarted.body.id).not.toBe(body.id);
  });

  it("lists rollouts newest first with filters and paging", async () => {
    const all = await t.request("GET", "/v1/rollouts?service=shop&limit=200");
    expect(all.status).toBe(200);
    expect(all.body.rollouts.length).toBeGreaterThanOrEqual(5);
    const created = all.body.rollouts.map((r: { createdAt: string }) => r.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    const halted = await t.request("GET", "/v1/rollouts?verdict=halt");
    expect(halted.body.rollouts.every((r: { verdict: string }) => r.verdict === "halt")).toBe(true);
    expect(halted.body.rollouts.length).toBeGreaterThanOrEqual(3);
    const page = await t.request("GET", "/v1/rollouts?limit=2");
    expect(page.body.rollouts).toHaveLength(2);
    expect(page.body.next).toBe(page.body.rollouts[1].createdAt);
    expect((await t.request("GET", "/v1/rollouts?service=nobody")).body.rollouts).toEqual([]);
    expectProblem(await t.request("GET", "/v1/rollouts?verdict=maybe"), 400, "/problems/validation");
    expectProblem(await t.request("GET", "/v1/rollouts?limit=0"), 400, "/problems/validation");
    expectProblem(await t.request("GET", "/v1/rollouts?colour=red"), 400, "/problems/validation");
  });
});
