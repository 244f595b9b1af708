import { createServer, type Server } from "node:http";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifier } from "../../src/evaluation/notifier.js";
import { createLogger } from "../../src/telemetry/logger.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { bearer } from "../helpers/approvers.js";
import { expectProblem } from "../helpers/problem.js";
import { StaticSource } from "../helpers/static-source.js";

const steady = Array.from({ length: 30 }, (_, i) => 100 + (i % 5));
const source = new StaticSource("prometheus").set('m{v="base"}', steady).set('m{v="bad"}', steady.map((v) => v * 1.5));
// Every version not named "bad" is as healthy as the baseline.
for (const version of ["good", "authz", "notify-once", "notify-halt", "inv", "v-high", "v-middle", "v-band", "v-low", "v-bad"]) source.set(`m{v="${version}"}`, steady);
let t: TestApp;
let hook: Server;
let hookUrl = "";
const received: Array<{ path: string; body: any }> = [];

const metric = { name: "latency", source: "prometheus", query: 'm{v="{{version}}"}', baselineQuery: 'm{v="{{baselineVersion}}"}' };
const twoRules = { rules: [{ name: "sre", approvers: ["group:sre"] }, { name: "release", approvers: ["bob"] }] };

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}`;
  t = await createTestApp({
    sources: [source],
    notifications: [
      { name: "hook", type: "webhook", url: `${hookUrl}/hook`, headers: {}, events: ["halt", "approval-requested", "continue"] },
      { name: "slack", type: "slack", url: `${hookUrl}/slack`, headers: {}, events: ["halt"] },
      { name: "teams", type: "teams", url: `${hookUrl}/teams`, headers: {}, events: ["halt"] },
      // Nothing listens here: deliveries fail and are retried, and verdicts do not wait for them.
      { name: "down", type: "webhook", url: "http://127.0.0.1:9/down", headers: {}, events: ["halt", "continue", "approval-requested"] },
    ],
  });
  const gates: Record<string, unknown> = {
    after: { delay: "0s", approvals: twoRules, checks: [metric] },
    parallel: { delay: "0s", approvals: { ...twoRules, mode: "parallel" }, checks: [metric] },
    "carry-on": { delay: "0s", approvals: { rules: [{ name: "sre", approvers: ["group:sre"] }], onRejection: "continue" }, checks: [metric] },
    before: { delay: "0s", phase: "entry", approvals: { order: "before", rules: [{ name: "sre", approvers: ["alice"] }] }, checks: [{ ...metric, query: 'm{v="{{version}}",before="1"}' }] },
    condition: {
      delay: "0s",
      approvals: { when: "marginal", rules: [{ name: "qa", approvers: ["carol"] }] },
      checks: [{ name: "tests", type: "condition", pass: "properties.testPassRate >= 0.9", approval: "properties.testPassRate >= 0.8" }],
    },
    "dry-gate": { delay: "0s", dryRun: true, checks: [{ ...metric, critical: true }] },
    "dry-check": { delay: "0s", checks: [metric, { ...metric, name: "new-check", query: 'm{v="bad"}', dryRun: true }] },
  };
  for (const [name, gate] of Object.entries(gates)) {
    const response = await t.request("PUT", `/v1/gates/${name}`, gate);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  }
});

afterAll(async () => {
  await t?.close();
  hook?.close();
});

const start = async (gate: string, version = "good", extra: Record<string, unknown> = {}) => {
  const response = await t.request("POST", "/v1/rollouts", { gate, service: "shop", environment: "prod", version, baselineVersion: "base", ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
};
const evaluate = async (id: string) => (await t.request("POST", `/v1/rollouts/${id}/evaluate`)).body;
const decide = (id: string, who: string, decision: "approve" | "reject", comment?: string) =>
  t.request("POST", `/v1/rollouts/${id}/approvals`, { decision, ...(comment ? { comment } : {}) }, bearer(who));
const rows = async (query: string) => {
  const result = await t.deps.db.execute(sql.raw(query));
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
};

describe("approvals after the checks", () => {
  it("asks the rules in order once the checks pass, and continues when both approve", async () => {
    const id = await start("after");
    const waiting = await evaluate(id);
    expect(waiting).toMatchObject({ verdict: "pending", final: false });
    expect(waiting.reason).toContain("awaiting approval (0 of 2) from sre: group:sre");
    const first = await decide(id, "alice", "approve", "latency looks fine");
    expect(first.status).toBe(201);
    expect(first.body.verdict.reason).toContain("awaiting approval (1 of 2) from release: bob");
    const second = await decide(id, "bob", "approve");
    expect(second.body.verdict).toMatchObject({ verdict: "continue", final: true });
    expect(second.body.verdict.reason).toContain("Approved: approved (2 of 2)");
    const detail = (await t.request("GET", `/v1/rollouts/${id}`)).body;
    expect(detail.approvals.map((a: any) => [a.approver, a.decision])).toEqual([["alice", "approve"], ["bob", "approve"]]);
    expect(detail.notifications.map((n: any) => [n.target, n.event]).sort()).toEqual([["down", "approval-requested"], ["down", "continue"], ["hook", "approval-requested"], ["hook", "continue"]]);
    const history = await rows(`select approver, decision, rule, comment from approvals where rollout_id = '${id}' order by decided_at`);
    expect(history).toEqual([
      { approver: "alice", decision: "approve", rule: "sre", comment: "latency looks fine" },
      { approver: "bob", decision: "approve", rule: "release", comment: null },
    ]);
  });

  it("refuses the unauthenticated, and approvers of another rule, changing nothing", async () => {
    const id = await start("after", "authz");
    await evaluate(id);
    expectProblem(await t.request("POST", `/v1/rollouts/${id}/approvals`, { decision: "approve" }, { authorization: "" }), 401, "/problems/unauthenticated");
    expectProblem(await t.request("POST", `/v1/rollouts/${id}/approvals`, { decision: "approve" }, { authorization: "Bearer not-a-known-token-at-all" }), 401, "/problems/unauthenticated");
    expectProblem(await decide(id, "mallory", "approve"), 403, "/problems/forbidden");
    // bob approves the second rule only, which is not open yet (sequential).
    expectProblem(await decide(id, "bob", "approve"), 403, "/problems/forbidden");
    expectProblem(await t.request("POST", `/v1/rollouts/${id}/approvals`, { decision: "maybe" }, bearer("alice")), 400, "/problems/validation");
    expect(await rows(`select * from approvals where rollout_id = '${id}'`)).toEqual([]);
    expect((await t.request("GET", `/v1/rollouts/${id}/verdict`)).body).toMatchObject({ verdict: "pending" });
  });

  it("opens all rules at once in parallel mode, and one rejection halts", async () => {
    const id = await start("parallel");
    await evaluate(id);
    expect((await decide(id, "bob", "approve")).status).toBe(201);
    const rejected = await decide(id, "alice", "reject", "error budget spent");
    expect(rejected.body.verdict).toMatchObject({ verdict: "halt", final: true });
    expect(rejected.body.verdict.reason).toContain("rejected by alice (sre): error budget spent");
    expectProblem(await decide(id, "carol", "approve"), 409, "/problems/no-approval-requested");
  });

  it("carries on after a rejection with onRejection continue, saying so", async () => {
    const id = await start("carry-on");
    await evaluate(id);
    const response = await decide(id, "alice", "reject", "known flaky dependency");
    expect(response.body.verdict).toMatchObject({ verdict: "continue", final: true });
    expect(response.body.verdict.reason).toContain("rejected by alice (sre) and carried on");
  });
});

describe("approvals before the checks", () => {
  it("runs no check until approved, then judges the checks", async () => {
    source.set('m{v="good",before="1"}', steady);
    const id = await start("before");
    const before = source.queries.length;
    const waiting = await evaluate(id);
    expect(waiting).toMatchObject({ verdict: "pending", phase: "entry", checks: [] });
    expect(waiting.reason).toContain("Approvals come first: awaiting approval (0 of 1) from sre: alice");
    expect(source.queries.length).toBe(before);
    const approved = await decide(id, "alice", "approve");
    expect(approved.body.verdict).toMatchObject({ verdict: "continue", final: true, phase: "entry" });
    expect(source.queries.length).toBeGreaterThan(before);
  });
});

describe("condition criteria over properties", () => {
  it("passes at 90%, asks for approval between 80% and 90%, fails below", async () => {
    const high = await start("condition", "v-high", { properties: { testPassRate: 0.95 } });
    expect(await evaluate(high)).toMatchObject({ verdict: "continue" });

    const middle = await start("condition", "v-middle");
    expect((await evaluate(middle)).checks[0]).toMatchObject({ result: "fail" });
    const patched = await t.request("PATCH", `/v1/rollouts/${middle}/properties`, { testPassRate: 0.85, coverage: 0.7 });
    expect(patched.body.properties).toEqual({ testPassRate: 0.85, coverage: 0.7 });
  });

  it("asks a person in the middle band and continues once approved", async () => {
    const id = await start("condition", "v-band", { properties: { testPassRate: 0.85 } });
    const waiting = await evaluate(id);
    expect(waiting).toMatchObject({ verdict: "pending" });
    expect(waiting.reason).toContain("so a person must approve");
    expect((await decide(id, "carol", "approve")).body.verdict).toMatchObject({ verdict: "continue", final: true });
    const low = await start("condition", "v-low", { properties: { testPassRate: 0.5 } });
    expect(await evaluate(low)).toMatchObject({ verdict: "halt" });
  });

  it("rejects bad properties and conditions naming the field", async () => {
    const id = await start("condition", "v-bad");
    expectProblem(await t.request("PATCH", `/v1/rollouts/${id}/properties`, { "bad name": 1 }), 400, "/problems/validation");
    expectProblem(await t.request("PATCH", `/v1/rollouts/${id}/properties`, { nested: { a: 1 } }), 400, "/problems/validation");
    const bad = await t.request("PUT", "/v1/gates/bad-condition", { checks: [{ name: "c", type: "condition", pass: "secrets.x > 1" }] });
    expectProblem(bad, 400, "/problems/gate-invalid");
    expect(bad.body.errors[0].path).toBe("body.checks.0.pass");
  });
});

describe("dry run and invalidation", () => {
  it("a dry-run gate never halts for deploy tools, and keeps its real verdict", async () => {
    const verdict = await evaluate(await start("dry-gate", "bad"));
    expect(verdict).toMatchObject({ verdict: "continue", final: true, realVerdict: "halt" });
    expect(verdict.reason).toMatch(/^Dry run: the gate would halt\. Critical check latency/);
  });

  it("a dry-run check is recorded with its real outcome but does not decide", async () => {
    const id = await start("dry-check");
    const verdict = await evaluate(id);
    expect(verdict).toMatchObject({ verdict: "continue", checks: [{ name: "latency", result: "pass" }, { name: "new-check", result: "fail" }] });
    expect(verdict.reason).toContain("Dry run, not enforced: new-check");
  });

  it("invalidates a rollout or one evaluation, with a reason", async () => {
    const id = await start("dry-check", "inv");
    await evaluate(id);
    const one = await t.request("POST", `/v1/rollouts/${id}/invalidate`, { reason: "bad scrape", evaluation: 1 });
    expect(one.status).toBe(200);
    expect((await t.request("GET", `/v1/rollouts/${id}`)).body.evaluations[0].invalidated).toMatchObject({ reason: "bad scrape" });
    const all = await t.request("POST", `/v1/rollouts/${id}/invalidate`, { reason: "load test traffic" });
    expect(all.body.invalidated).toMatchObject({ reason: "load test traffic" });
    expectProblem(await t.request("POST", `/v1/rollouts/${id}/invalidate`, { reason: "x", evaluation: 99 }), 400, "/problems/invalid-input");
    expectProblem(await t.request("POST", `/v1/rollouts/${id}/invalidate`, {}), 400, "/problems/validation");
  });
});

describe("notifications", () => {
  it("are queued with the evaluation, delivered in each target's format, and retried when a target is down", async () => {
    const halted = await start("dry-check", "notify-halt", { labels: {} });
    await t.request("PUT", "/v1/gates/critical", { delay: "0s", checks: [{ ...metric, critical: true }] });
    const critical = await start("critical", "bad");
    const started = performance.now();
    expect(await evaluate(critical)).toMatchObject({ verdict: "halt" });
    // The down target does not slow the verdict: delivery happens later, in the notifier.
    expect(performance.now() - started).toBeLessThan(2_000);
    await evaluate(halted);
    const notifier = createNotifier({ db: t.deps.db, targets: t.deps.evaluation.notifications ?? [], logger: createLogger({ level: "silent" }), now: () => new Date() });
    // Each pass claims up to 20 due notifications; the earlier tests queued more than that.
    let sent = 0;
    for (let pass = 0; pass < 10; pass += 1) sent += await notifier.runOnce();
    expect(sent).toBeGreaterThanOrEqual(4);
    const byPath = (path: string) => received.filter((message) => message.path === path).map((message) => message.body);
    expect(byPath("/hook")).toEqual(expect.arrayContaining([expect.objectContaining({ event: "halt", verdict: "halt", final: true, investigationUrl: `http://canary-gate.test/rollouts/${critical}` })]));
    expect(byPath("/slack")).toEqual(expect.arrayContaining([expect.objectContaining({ text: expect.stringContaining("Canary Gate halted a rollout: shop bad in prod"), blocks: expect.any(Array) })]));
    expect(byPath("/teams")[0]).toMatchObject({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive" }] });
    const down = await rows(`select status, attempts, last_error from notifications where target = 'down' and rollout_id = '${critical}'`);
    expect(down).toEqual([{ status: "pending", attempts: 1, last_error: "unreachable" }]);
    const delivered = await rows(`select count(*)::int as n from notifications where target = 'hook' and status = 'delivered'`);
    expect(delivered[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it("asks for an approval once per target, however often the rollout is evaluated", async () => {
    const id = await start("after", "notify-once");
    await evaluate(id);
    await evaluate(id);
    const queued = await rows(`select count(*)::int as n from notifications where rollout_id = '${id}' and event = 'approval-requested' and target = 'hook'`);
    expect(queued[0]?.n).toBe(1);
  });
});
