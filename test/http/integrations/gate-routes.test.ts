import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_URL } from "../../helpers/app.js";
import { expectProblem } from "../../helpers/problem.js";
import { createIntegrationApp, type IntegrationApp } from "./fixture.js";

let it_: IntegrationApp;
beforeAll(async () => {
  it_ = await createIntegrationApp();
  await it_.putGate("web");
});
afterAll(async () => it_?.t.close());

const identity = (environment: string, version: string) => ({ service: "shop", environment, version, baselineVersion: "base" });
const post = (path: string, body: unknown) => it_.t.request("POST", path, body);
const get = (path: string) => it_.t.request("GET", path);

describe("POST and GET /v1/gates/{name}/verdict: start-or-get", () => {
  it("starts the rollout on the first call and answers with the same one after, by body or query", async () => {
    const first = await post("/v1/gates/web/verdict", identity("start-or-get", "good"));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ verdict: "pending", final: false, score: null, checks: [] });
    expect(first.body.verdictUrl).toBe(`${PUBLIC_URL}/v1/rollouts/${first.body.id}/verdict`);
    expect(first.headers.get("location")).toBe(first.body.verdictUrl);
    expect(first.headers.get("cache-control")).toBe("no-store");

    const again = await post("/v1/gates/web/verdict", identity("start-or-get", "good"));
    expect(again.body.id).toBe(first.body.id);
    const byQuery = await get("/v1/gates/web/verdict?service=shop&environment=start-or-get&version=good");
    expect(byQuery.status).toBe(200);
    expect(byQuery.body.id).toBe(first.body.id);
    const rollout = await get(`/v1/rollouts/${first.body.id}`);
    expect(rollout.body).toMatchObject({ gate: { name: "web" }, service: "shop", environment: "start-or-get", version: "good", baselineVersion: "base" });
  });

  it("keeps answering a final halt instead of starting a pending rollout, until a new rollout is started explicitly", async () => {
    const first = await post("/v1/gates/web/verdict", identity("sticky", "bad"));
    it_.advance(5 * 60_000);
    expect(await it_.evaluate(first.body.id)).toMatchObject({ verdict: "halt", final: true });
    const later = await post("/v1/gates/web/verdict", identity("sticky", "bad"));
    expect(later.body).toMatchObject({ id: first.body.id, verdict: "halt", final: true });

    const restarted = await post("/v1/rollouts", { gate: "web", ...identity("sticky", "bad") });
    expect(restarted.status).toBe(201);
    const now = await get("/v1/gates/web/verdict?service=shop&environment=sticky&version=bad");
    expect(now.body).toMatchObject({ id: restarted.body.id, verdict: "pending" });
  });

  it("takes labels as labels.NAME query parameters", async () => {
    const answer = await get("/v1/gates/web/verdict?service=shop&environment=labelled&version=good&labels.region=eu-west-1&labels.team=pay");
    expect(answer.status).toBe(200);
    expect((await get(`/v1/rollouts/${answer.body.id}`)).body.labels).toEqual({ region: "eu-west-1", team: "pay" });
  });

  it("names the bad field or the unknown gate in a problem document", async () => {
    const missing = await post("/v1/gates/web/verdict", { service: "shop", environment: "x" });
    expectProblem(missing, 400, "/problems/validation");
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(["body.version"]);
    expectProblem(await post("/v1/gates/web/verdict", { ...identity("x", "v"), gate: "web" }), 400, "/problems/validation");
    expectProblem(await post("/v1/gates/web/verdict", { ...identity("x", 'v"1') }), 400, "/problems/validation");
    expectProblem(await post("/v1/gates/nope/verdict", identity("x", "v")), 404, "/problems/gate-not-found");
    expectProblem(await post("/v1/gates/Not_A_Name/verdict", identity("x", "v")), 400, "/problems/validation");
    const unknownParam = await get("/v1/gates/web/verdict?service=shop&environment=x&version=v&colour=red");
    expectProblem(unknownParam, 400, "/problems/validation");
    expect(unknownParam.body.errors[0].path).toBe("query.colour");
    const badLabel = await get("/v1/gates/web/verdict?service=shop&environment=x&version=v&labels.region=%7Bx%7D");
    expectProblem(badLabel, 400, "/problems/rollout-invalid");
    expect(badLabel.body.errors[0].path).toBe("query.labels.region");
    expectProblem(await get("/v1/gates/web/verdict?service=shop&environment=x"), 400, "/problems/validation");
  });
});

describe("status-code gates: GET /v1/rollouts/{id}/gate and /v1/gates/{name}/gate", () => {
  it("answers 423 while pending (with Retry-After), then 200 on continue, with the verdict as body", async () => {
    const started = await post("/v1/gates/web/gate", identity("status-good", "good"));
    expect(started.status).toBe(423);
    expect(started.body).toMatchObject({ verdict: "pending", final: false });
    expect(Number(started.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const { id } = started.body;
    expect((await get(`/v1/rollouts/${id}/gate`)).status).toBe(423);

    it_.advance(5 * 60_000);
    await it_.evaluate(id);
    const open = await get(`/v1/rollouts/${id}/gate`);
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ id, verdict: "continue", final: true });
    expect(open.headers.get("retry-after")).toBeNull();
    expect((await get("/v1/gates/web/gate?service=shop&environment=status-good&version=good&baselineVersion=base")).status).toBe(200);
  });

  it("answers 409 on halt, by id and by identity", async () => {
    const started = await get("/v1/gates/web/gate?service=shop&environment=status-bad&version=bad&baselineVersion=base");
    expect(started.status).toBe(423);
    it_.advance(5 * 60_000);
    await it_.evaluate(started.body.id);
    const shut = await get(`/v1/rollouts/${started.body.id}/gate`);
    expect(shut.status).toBe(409);
    expect(shut.headers.get("content-type")).toContain("application/json");
    expect(shut.body).toMatchObject({ verdict: "halt", final: true });
    expect(shut.body.reason).toMatch(/^Critical check latency/);
    expect((await post("/v1/gates/web/gate", identity("status-bad", "bad"))).status).toBe(409);
  });

  it("404s an unknown rollout and 400s a malformed id", async () => {
    expectProblem(await get("/v1/rollouts/00000000-0000-4000-8000-000000000000/gate"), 404, "/problems/rollout-not-found");
    expectProblem(await get("/v1/rollouts/nope/gate"), 400, "/problems/validation");
    expectProblem(await post("/v1/gates/web/gate", { service: "shop" }), 400, "/problems/validation");
  });

  it("documents every route, with its status codes, in the OpenAPI document", async () => {
    const { body } = await get("/openapi.json");
    const statuses = (path: string, method: string) => Object.keys(body.paths[path][method].responses).sort();
    expect(statuses("/v1/gates/{name}/verdict", "post")).toEqual(["200", "400", "404", "413"]);
    expect(statuses("/v1/gates/{name}/verdict", "get")).toEqual(["200", "400", "404"]);
    expect(statuses("/v1/rollouts/{id}/gate", "get")).toEqual(["200", "400", "404", "409", "423"]);
    expect(statuses("/v1/gates/{name}/gate", "post")).toEqual(["200", "400", "404", "409", "413", "423"]);
    expect(statuses("/v1/gates/{name}/gate", "get")).toEqual(["200", "400", "404", "409", "423"]);
    expect(statuses("/v1/flagger/{hook}", "post")).toEqual(["200", "400", "404", "409", "412", "413", "423"]);
    expect(body.components.schemas.GateVerdict.allOf).toEqual([{ $ref: "#/components/schemas/Verdict" }, expect.objectContaining({ required: ["verdictUrl"] })]);
    expect(body.components.schemas.Verdict.required).toEqual(expect.arrayContaining(["verdict", "final", "reason", "score", "checks", "investigationUrl"]));
    expect(body.components.schemas.FlaggerWebhook).toBeDefined();
  });
});
