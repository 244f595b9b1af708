import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresCluster, type PostgresCluster } from "../helpers/postgres-cluster.js";
import { api, freePort, latencyGate, report, runScript, sleep, startFakePrometheus, startService, tempDir, waitFor, writeGates, type Service } from "./service.js";

/**
 * PostgreSQL stopped mid-run and started again: verdict reads answer 503 problem+json with
 * Retry-After at once, /readyz is not ready, the scheduler backs off, and afterwards every rollout
 * goes on being evaluated with contiguous sequences: nothing lost, nothing twice.
 */

const ROLLOUTS = 10;
const INTERVAL_MS = 2_000;
const DOWN_MS = 5_000;
const scratch = tempDir("cg-pg-restart-");
let cluster: PostgresCluster;
let fake: Awaited<ReturnType<typeof startFakePrometheus>>;
let service: Service;
let url = "";

beforeAll(async () => {
  cluster = await createPostgresCluster(await freePort());
  const admin = postgres(cluster.url, { max: 1, onnotice: () => undefined });
  await admin.unsafe("create database canary");
  await admin.end();
  url = cluster.url.replace(/\/postgres$/, "/canary");
  await runScript("src/migrate.ts", { DATABASE_URL: url });
  fake = await startFakePrometheus();
  const gatesDir = writeGates(scratch.dir, { steady: latencyGate({ delay: "1s", interval: "2s", timeout: "1h", steadyFor: "1h", failureLimit: 1000, consecutiveErrorLimit: 1000, errorRetryInterval: "2s" }, "mann-whitney") });
  service = await startService({ DATABASE_URL: url, GATES_DIR: gatesDir, PROMETHEUS_URL: fake.url, SOURCE_TIMEOUT: "1s", SCHEDULER_TICK: "200ms" });
}, 120_000);
afterAll(async () => {
  service?.child.kill("SIGKILL");
  await service?.exited;
  await fake?.close();
  await cluster?.destroy();
  scratch.remove();
});

describe("PostgreSQL stopped and restarted under a running service", () => {
  it("answers 503 with Retry-After while down, backs off, and loses or repeats no evaluation", async () => {
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < ROLLOUTS; i += 1) {
      const created = await api(service.url, "POST", "/v1/rollouts", { gate: "steady", service: "shop", environment: "prod", version: `v${i}`, baselineVersion: "base", startedAt });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids.push(created.body.id);
    }
    const evaluated = async () => Promise.all(ids.map(async (id) => (await api(service.url, "GET", `/v1/rollouts/${id}`)).body.evaluationCount as number));
    await waitFor("two evaluations of every rollout", async () => (await evaluated()).every((count) => count >= 2), 20_000);

    // Slow answers keep evaluations in flight, so the stop lands mid-evaluation.
    fake.delayMs = 400;
    await waitFor("an evaluation in flight", async () => fake.inFlight > 0, 10_000, 10);
    await cluster.stop("fast");
    const downAt = Date.now();
    const backoffLinesBefore = service.seen("backing off");
    let reads = 0;
    let slowest = 0;
    while (Date.now() - downAt < DOWN_MS) {
      const began = Date.now();
      const [verdict, ready, live] = await Promise.all([
        api(service.url, "GET", `/v1/rollouts/${ids[reads % ROLLOUTS]}/verdict`, undefined, 10_000),
        api(service.url, "GET", "/readyz", undefined, 10_000),
        api(service.url, "GET", "/healthz", undefined, 10_000),
      ]);
      slowest = Math.max(slowest, Date.now() - began);
      reads += 1;
      expect(verdict.status, JSON.stringify(verdict.body)).toBe(503);
      expect(verdict.headers.get("content-type")).toContain("application/problem+json");
      expect(verdict.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(verdict.body).toMatchObject({ type: "/problems/database-unavailable", status: 503 });
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe("unreachable");
      expect(live.status).toBe(200);
      await sleep(250);
    }
    expect(slowest).toBeLessThan(4_000);
    const backoffLines = service.seen("backing off") - backoffLinesBefore;
    // Doubling from the 200 ms tick: a handful of failed ticks over the outage, not one every tick.
    expect(backoffLines).toBeGreaterThan(0);
    expect(backoffLines).toBeLessThan(DOWN_MS / 200 / 2);

    await cluster.start();
    const upAt = Date.now();
    await waitFor("verdict reads to answer again", async () => (await api(service.url, "GET", `/v1/rollouts/${ids[0]}/verdict`)).status === 200, 30_000, 50);
    const readRecoveryMs = Date.now() - upAt;
    const db = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const latestBefore = new Date(upAt);
      await waitFor(
        "a new evaluation of every rollout after the restart",
        async () => {
          const [row] = await db<Array<{ fresh: number }>>`select count(distinct rollout_id)::int as fresh from evaluations where evaluated_at > ${latestBefore}`;
          return (row?.fresh ?? 0) >= ROLLOUTS;
        },
        30_000,
        100,
      );
      const evaluationRecoveryMs = Date.now() - upAt;
      // Leases cut off by the outage are given back on the first tick, not left to run out (10 s).
      expect(evaluationRecoveryMs).toBeLessThan(8_000);
      await sleep(INTERVAL_MS * 2);
      const rows = await db<Array<{ rollout_id: string; sequence: number; evaluated_at: Date }>>`select rollout_id, sequence, evaluated_at from evaluations order by rollout_id, sequence`;
      const rollouts = await db<Array<{ id: string; evaluation_count: number }>>`select id, evaluation_count from rollouts`;
      let total = 0;
      for (const { id, evaluation_count: count } of rollouts) {
        const mine = rows.filter((row) => row.rollout_id === id);
        total += mine.length;
        expect(mine.map((row) => row.sequence)).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));
        expect(mine.length).toBeGreaterThanOrEqual(count);
        for (let i = 1; i < mine.length; i += 1) {
          const gap = (mine[i]?.evaluated_at.getTime() ?? 0) - (mine[i - 1]?.evaluated_at.getTime() ?? 0);
          expect(gap, `rollout ${id} evaluated twice within ${gap} ms`).toBeGreaterThan(INTERVAL_MS - 500);
        }
      }
      report("postgres restart", { rollouts: ROLLOUTS, outageMs: upAt - downAt, readsWhileDown: reads * 3, slowestReadWhileDownMs: slowest, schedulerBackoffs: backoffLines, readRecoveryMs, evaluationRecoveryMs, evaluations: total, duplicated: 0, lost: 0 });
    } finally {
      await db.end();
    }
  }, 120_000);
});
