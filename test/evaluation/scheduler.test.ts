import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDueRollouts } from "../../src/db/queries/rollouts.js";
import { evaluateRollout } from "../../src/evaluation/evaluate-rollout.js";
import { createScheduler } from "../../src/evaluation/scheduler.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { StaticSource } from "../helpers/static-source.js";

const source = new StaticSource("prometheus");
let clock = new Date("2026-05-01T10:00:00Z");
let t: TestApp;
const steady = Array.from({ length: 20 }, (_, i) => 50 + (i % 4));

beforeAll(async () => {
  t = await createTestApp({ sources: [source], now: () => clock });
  source.set('q{v="base"}', steady);
  const gate = {
    delay: "1m",
    interval: "2m",
    timeout: "1h",
    onNoData: "inconclusive",
    checks: [{ name: "m", source: "prometheus", query: 'q{v="{{version}}"}', baselineQuery: 'q{v="{{baselineVersion}}"}' }],
  };
  expect((await t.request("PUT", "/v1/gates/sched", gate)).status).toBe(201);
});
afterAll(async () => t?.close());

const start = async (version: string) =>
  (await t.request("POST", "/v1/rollouts", { gate: "sched", service: "svc", environment: "prod", version, baselineVersion: "base" })).body.id as string;

const evaluationCount = async (id: string) => {
  const rows = await t.deps.db.execute(sql`select count(*)::int as n from evaluations where rollout_id = ${id}`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ n: number }>;
  return list[0]?.n ?? 0;
};

describe("scheduler", () => {
  it("evaluates a rollout only once its delay has passed, then once per interval", async () => {
    const id = await start("pending-1");
    const scheduler = createScheduler(t.deps.evaluation, { tickMs: 1_000, leaseMs: 30_000, batchSize: 10 });
    expect(await scheduler.runOnce()).toBe(0);
    clock = new Date(clock.getTime() + 61_000);
    expect(await scheduler.runOnce()).toBe(1);
    expect(await scheduler.runOnce()).toBe(0);
    expect(await evaluationCount(id)).toBe(1);
    const verdict = (await t.request("GET", `/v1/rollouts/${id}/verdict`)).body;
    expect(verdict).toMatchObject({ verdict: "pending", final: false, nextEvaluationAt: new Date(clock.getTime() + 120_000).toISOString() });
    clock = new Date(clock.getTime() + 120_000);
    expect(await scheduler.runOnce()).toBe(1);
    expect(await evaluationCount(id)).toBe(2);
  });

  it("lets two replicas share due rollouts without evaluating any twice", async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => start(`many-${i}`)));
    clock = new Date(clock.getTime() + 61_000);
    const a = createScheduler(t.deps.evaluation, { tickMs: 1_000, leaseMs: 30_000, batchSize: 5, owner: "a" });
    const b = createScheduler(t.deps.evaluation, { tickMs: 1_000, leaseMs: 30_000, batchSize: 5, owner: "b" });
    let total = 0;
    for (let round = 0; round < 4; round += 1) {
      const [fromA, fromB] = await Promise.all([a.runOnce(), b.runOnce()]);
      total += fromA + fromB;
    }
    expect(total).toBe(ids.length);
    for (const id of ids) expect(await evaluationCount(id)).toBe(1);
  });

  it("takes over a rollout whose lease expired, and drops the late write of the lost lease", async () => {
    const id = await start("leased");
    clock = new Date(clock.getTime() + 61_000);
    const claimed = await claimDueRollouts(t.deps.db, { owner: "crashed", now: clock, leaseMs: 30_000, limit: 100 });
    expect(claimed).toContain(id);
    const other = createScheduler(t.deps.evaluation, { tickMs: 1_000, leaseMs: 30_000, batchSize: 100, owner: "other" });
    expect(await other.runOnce()).toBe(0);
    clock = new Date(clock.getTime() + 31_000);
    expect(await other.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await evaluationCount(id)).toBe(1);
    // The crashed replica comes back and finishes its evaluation: its write no longer holds the lease.
    clock = new Date(clock.getTime() + 3_600_000);
    const late = await evaluateRollout(t.deps.evaluation, { id, trigger: "scheduler", leaseOwner: "crashed" });
    expect(late?.evaluated).toBe(false);
    expect(await evaluationCount(id)).toBe(1);
  });

  it("never evaluates final rollouts", async () => {
    const id = await start("final");
    await t.request("POST", `/v1/rollouts/${id}/cancel`);
    clock = new Date(clock.getTime() + 3_600_000);
    const scheduler = createScheduler(t.deps.evaluation, { tickMs: 1_000, leaseMs: 30_000, batchSize: 100 });
    await scheduler.runOnce();
    expect(await evaluationCount(id)).toBe(0);
  });
});
