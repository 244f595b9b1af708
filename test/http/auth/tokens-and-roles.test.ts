import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { bearer } from "../../helpers/approvers.js";
import { expectProblem } from "../../helpers/problem.js";
import { StaticSource } from "../../helpers/static-source.js";

let t: TestApp;
let clock = new Date("2026-01-01T00:00:00Z");
const tokens: Record<string, string> = {};
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const metric = { name: "latency", source: "prometheus", query: "m" };
const gate = { delay: "0s", checks: [metric] };

beforeAll(async () => {
  t = await createTestApp({ now: () => clock, sources: [new StaticSource("prometheus")] });
  for (const role of ["viewer", "deployer", "approver", "admin"]) {
    const created = await t.request("POST", "/v1/tokens", { name: `${role}-token`, role, groups: role === "approver" ? ["sre"] : undefined });
    expect(created.status).toBe(201);
    tokens[role] = created.body.token;
  }
  expect((await t.request("PUT", "/v1/gates/auth", gate)).status).toBe(201);
});
afterAll(() => t.close());

describe("API tokens", () => {
  it("shows the secret once, lists tokens without secrets or hashes, and stores only hashes", async () => {
    expect(tokens.viewer).toMatch(/^cg_[A-Za-z0-9_-]{43}$/);
    const list = await t.request("GET", "/v1/tokens");
    expect(list.status).toBe(200);
    expect(list.body.tokens).toHaveLength(4);
    const text = JSON.stringify(list.body);
    for (const secret of Object.values(tokens)) expect(text).not.toContain(secret);
    expect(Object.keys(list.body.tokens[0]).sort()).toEqual(["createdAt", "expiresAt", "groups", "id", "lastUsedAt", "name", "revokedAt", "role"]);
    const rows = await t.database.db.execute(sql.raw("select row_to_json(t)::text as row from api_tokens t"));
    const stored = JSON.stringify(rows);
    for (const secret of Object.values(tokens)) expect(stored).not.toContain(secret);
  });

  it("refuses requests without a token or with an unknown one (401 problem+json)", async () => {
    expectProblem(await t.request("GET", "/v1/gates", undefined, { authorization: "" }), 401, "/problems/unauthenticated");
    expectProblem(await t.request("GET", "/v1/gates", undefined, as(`${tokens.viewer}x`)), 401, "/problems/unauthenticated");
    expectProblem(await t.request("GET", "/v1/gates", undefined, { authorization: "Basic abc" }), 401, "/problems/unauthenticated");
    expect((await t.request("GET", "/healthz", undefined, { authorization: "" })).status).toBe(200);
    expect((await t.request("GET", "/openapi.json", undefined, { authorization: "" })).status).toBe(200);
  });

  it("lets each role do what it may and answers 403 for the rest", async () => {
    const started = await t.request("POST", "/v1/rollouts", { gate: "auth", service: "roles", environment: "prod", version: "v1" }, as(tokens.deployer!));
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const cases: Array<[string, string, unknown, Record<string, number>]> = [
      ["GET", "/v1/gates", undefined, { viewer: 200, deployer: 200, approver: 200, admin: 200 }],
      ["GET", `/v1/rollouts/${id}/verdict`, undefined, { viewer: 200, deployer: 200, approver: 200, admin: 200 }],
      ["POST", "/v1/rollouts", { gate: "auth", service: "roles", environment: "dev", version: "v1" }, { viewer: 403, deployer: 201, approver: 403 }],
      ["PATCH", `/v1/rollouts/${id}/properties`, { properties: { team: "x" } }, { viewer: 403, approver: 403 }],
      ["PUT", "/v1/gates/auth", gate, { viewer: 403, deployer: 403, approver: 403, admin: 200 }],
      ["GET", "/v1/tokens", undefined, { viewer: 403, deployer: 403, approver: 403, admin: 200 }],
      ["POST", `/v1/rollouts/${id}/approvals`, { decision: "approve" }, { viewer: 403, deployer: 403 }],
      ["POST", `/v1/rollouts/${id}/cancel`, {}, { viewer: 403, approver: 403, deployer: 200 }],
    ];
    for (const [method, path, body, expected] of cases) {
      for (const [role, status] of Object.entries(expected)) {
        const response = await t.request(method, path, body, as(tokens[role]!));
        expect(response.status, `${role} ${method} ${path}: ${JSON.stringify(response.body)}`).toBe(status);
        if (status === 403) expectProblem(response, 403, "/problems/forbidden");
      }
    }
  });

  it("keeps APPROVERS_FILE approvers working and accepts API tokens with role approver", async () => {
    const approvalGate = { delay: "0s", approvals: { rules: [{ name: "sre", approvers: ["group:sre"] }] }, checks: [metric] };
    expect((await t.request("PUT", "/v1/gates/auth-approvals", approvalGate)).status).toBe(201);
    for (const headers of [bearer("alice"), as(tokens.approver!)]) {
      const started = await t.request("POST", "/v1/rollouts", { gate: "auth-approvals", service: `approve-${headers.authorization.length}`, environment: "prod", version: "v1" });
      const decided = await t.request("POST", `/v1/rollouts/${started.body.id}/approvals`, { decision: "approve" }, headers);
      // Authenticated and allowed: the answer is about the approval (recorded, or none requested yet), not about the token.
      expect([201, 409], JSON.stringify(decided.body)).toContain(decided.status);
    }
  });

  it("answers 401 for a revoked token and for an expired one", async () => {
    const created = await t.request("POST", "/v1/tokens", { name: "short", role: "viewer", expiresIn: "1h" });
    expect(created.body.expiresAt).toBe("2026-01-01T01:00:00.000Z");
    expect((await t.request("GET", "/v1/gates", undefined, as(created.body.token))).status).toBe(200);
    clock = new Date("2026-01-01T01:00:01Z");
    expectProblem(await t.request("GET", "/v1/gates", undefined, as(created.body.token)), 401, "/problems/unauthenticated");

    const revocable = await t.request("POST", "/v1/tokens", { name: "revocable", role: "viewer" });
    expect((await t.request("GET", "/v1/gates", undefined, as(revocable.body.token))).status).toBe(200);
    const revoked = await t.request("DELETE", `/v1/tokens/${revocable.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expectProblem(await t.request("GET", "/v1/gates", undefined, as(revocable.body.token)), 401, "/problems/unauthenticated");
    expect((await t.request("DELETE", "/v1/tokens/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expectProblem(await t.request("POST", "/v1/tokens", { name: "x", role: "root" }), 400, "/problems/validation");
  });

  it("takes a Flagger webhook's token from metadata.token when there is no Authorization header", async () => {
    const hook = (token: string) => ({ name: "flagged", namespace: "prod", checksum: "abc", metadata: { gate: "auth", token } });
    expectProblem(await t.request("POST", "/v1/flagger/rollout", hook("not-a-token-at-all-0000"), { authorization: "" }), 401, "/problems/unauthenticated");
    expect((await t.request("POST", "/v1/flagger/rollout", hook(tokens.deployer!), { authorization: "" })).status).toBe(200);
    expectProblem(await t.request("POST", "/v1/flagger/rollout", hook(tokens.viewer!), { authorization: "" }), 403, "/problems/forbidden");
  });
});

describe("PUBLIC_VERDICTS", () => {
  it("opens only the verdict reads when set, and keeps them closed by default", async () => {
    const open = await createTestApp({ auth: { publicVerdicts: true }, sources: [new StaticSource("prometheus")] });
    try {
      const id = (await open.request("POST", "/v1/rollouts", { gate: "none", service: "s", environment: "e", version: "v" })).body?.id;
      expect((await open.request("PUT", "/v1/gates/pv", gate)).status).toBe(201);
      const started = await open.request("POST", "/v1/rollouts", { gate: "pv", service: "s", environment: "e", version: "v" });
      for (const suffix of ["verdict", "gate"]) {
        expect((await open.request("GET", `/v1/rollouts/${started.body.id}/${suffix}`, undefined, { authorization: "" })).status).not.toBe(401);
        expectProblem(await t.request("GET", `/v1/rollouts/${started.body.id}/${suffix}`, undefined, { authorization: "" }), 401, "/problems/unauthenticated");
      }
      expect((await open.request("GET", "/v1/gates/pv/verdict?service=s&environment=e&version=v", undefined, { authorization: "" })).status).toBe(200);
      expectProblem(await open.request("GET", `/v1/rollouts/${started.body.id}`, undefined, { authorization: "" }), 401, "/problems/unauthenticated");
      expectProblem(await open.request("POST", "/v1/rollouts", { gate: "pv", service: "s", environment: "e", version: "w" }, { authorization: "" }), 401, "/problems/unauthenticated");
      expect(id).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});
