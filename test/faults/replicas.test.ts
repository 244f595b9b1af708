import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createDatabase, latencyGate, report, runScript, sleep, startFakePrometheus, startService, tempDir, waitFor, writeGates, type Service } from "./service.js";

/**
 * Three replicas on one PostgreSQL share 200 rollouts: every due evaluation happens once per
 * interval (no two evaluations of a rollout closer than the interval, the total as expected), and
 * after `kill -9` of one replica mid-evaluation the others take its leased rollouts within a lease.
 */

const ROLLOUTS = 200;
const INTERVAL_MS = 3_000;
const WINDOW_MS = 12_000;
const SOURCE_TIMEOUT_MS = 2_000;
// src/main.ts: max(10 s, 3 × SOURCE_TIMEOUT).
const LEASE_MS = Math.max(10_000, 3 * SOURCE_TIMEOUT_MS);
const scratch = tempDir("cg-replicas-");
let database: Awaited<ReturnType<typeof createDatabase>>;
let fake: Awaited<ReturnType<typeof startFakePrometheus>>;
const replicas: Service[] = [];
let db: ReturnType<typeof postgres>;

type EvaluationRow = { rollout_id: string; sequence: number; evaluated_at: Date };

beforeAll(async () => {
  database = await createDatabase(`cg_replicas_${process.pid}`);
  await runScript("src/migrate.ts", { DATABASE_URL: database.url });
  db = postgres(database.url, { max: 2, onnotice: () => undefined });
  fake = await startFakePrometheus();
  const gatesDir = writeGates(scratch.dir, { shared: latencyGate({ delay: "1s", interval: "3s", timeout: "1h", steadyFor: "1h", failureLimit: 1000, consecutiveErrorLimit: 1000 }, "mann-whitney") });
  const env = { DATABASE_URL: database.url, GATES_DIR: gatesDir, PROMETHEUS_URL: fake.url, SOURCE_TIMEOUT: `${SOURCE_TIMEOUT_MS}ms`, SCHEDULER_TICK: "200ms" };
  // One replica loads the gate file first, so the others find the same version.
  replicas.push(await startService(env));
  replicas.push(...(await Promise.all([startService(env), startService(env)])));
}, 120_000);
afterAll(async () => {
  for (const replica of replicas) replica.child.kill("SIGKILL");
  await Promise.all(replicas.map((replica) => replica.exited));
  await db?.end();
  await fake?.close();
  await database?.drop();
  scratch.remove();
});

function checkSpacing(rows: EvaluationRow[]): { rollouts: number; minGapMs: number } {
  const byRollout = new Map<string, EvaluationRow[]>();
  for (const row of rows) byRollout.set(row.rollout_id, [...(byRollout.get(row.rollout_id) ?? []), row]);
  let minGapMs = Number.POSITIVE_INFINITY;
  for (const [id, mine] of byRollout) {
    expect(mine.map((row) => row.sequence), `sequences of ${id}`).toEqual(Array.from({ length: mine.length }, (_, i) => (mine[0]?.sequence ?? 1) + i));
    for (let i = 1; i < mine.length; i += 1) minGapMs = Math.min(minGapMs, (mine[i]?.evaluated_at.getTime() ?? 0) - (mine[i - 1]?.evaluated_at.getTime() ?? 0));
  }
  return { rollouts: byRollout.size, minGapMs };
}

describe("three replicas on one PostgreSQL", () => {
  it("evaluate each due rollout once per interval, and take over a killed replica's leases within a lease", async () => {
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    for (let batch = 0; batch < ROLLOUTS; batch += 25) {
      await Promise.all(
        Array.from({ length: 25 }, async (_, i) => {
          const replica = replicas[(batch + i) % replicas.length] as Service;
          const created = await api(replica.url, "POST", "/v1/rollouts", { gate: "shared", service: "shop", environment: "prod", version: `v${batch + i}`, baselineVersion: "base", startedAt });
          expect(created.status, JSON.stringify(created.body)).toBe(201);
        }),
      );
    }
    await waitFor("a first evaluation of every rollout", async () => (await db`select count(*)::int as n from rollouts where evaluation_count > 0`)[0]?.n === ROLLOUTS, 30_000, 200);

    // Exactly once per interval: a bounded window, counted in the database.
    const from = new Date();
    await sleep(WINDOW_MS);
    const to = new Date();
    const rows = await db<EvaluationRow[]>`select rollout_id, sequence, evaluated_at from evaluations where evaluated_at >= ${from} and evaluated_at < ${to} order by rollout_id, sequence`;
    const spacing = checkSpacing(rows);
    expect(spacing.minGapMs, "two evaluations of one rollout within an interval").toBeGreaterThanOrEqual(INTERVAL_MS - 100);
    const perRollout = WINDOW_MS / INTERVAL_MS;
    expect(rows.length).toBeLessThanOrEqual(ROLLOUTS * (perRollout + 1));
    expect(rows.length).toBeGreaterThanOrEqual(ROLLOUTS * (perRollout - 1));
    expect(spacing.rollouts).toBe(ROLLOUTS);

    // kill -9 mid-evaluation: slow answers keep leases held.
    fake.delayMs = 1_500;
    const victim = replicas[1] as Service;
    const owner = `${victim.child.pid}-%`;
    const held = await waitFor(
      "the victim to hold leases mid-evaluation",
      async () => {
        const leased = await db<Array<{ id: string; lease_until: Date }>>`select id, lease_until from rollouts where lease_owner like ${owner} and lease_until > now()`;
        return leased.length > 0 && fake.inFlight > 0 ? leased : undefined;
      },
      20_000,
      20,
    );
    victim.child.kill("SIGKILL");
    const killedAt = new Date();
    await victim.exited;
    const ids = held.map((row) => row.id);
    await waitFor(
      "the others to evaluate every rollout the victim held",
      async () => (await db`select count(distinct rollout_id)::int as n from evaluations where rollout_id in ${db(ids)} and evaluated_at > ${killedAt}`)[0]?.n === ids.length,
      LEASE_MS + 15_000,
      100,
    );
    const takeoverMs = Date.now() - killedAt.getTime();
    const afterLeaseEndMs = Date.now() - Math.max(...held.map((row) => row.lease_until.getTime()));
    expect(takeoverMs).toBeLessThan(LEASE_MS + 5_000);
    const all = await db<EvaluationRow[]>`select rollout_id, sequence, evaluated_at from evaluations order by rollout_id, sequence`;
    const overall = checkSpacing(all);
    expect(overall.minGapMs).toBeGreaterThanOrEqual(INTERVAL_MS - 100);
    report("replicas", { replicas: 3, rollouts: ROLLOUTS, intervalMs: INTERVAL_MS, windowMs: WINDOW_MS, evaluationsInWindow: rows.length, expectedInWindow: ROLLOUTS * perRollout, minGapMs: spacing.minGapMs, leaseMs: LEASE_MS, leasesHeldByKilled: ids.length, takeoverMs, afterLeaseEndMs, evaluationsTotal: all.length, duplicates: 0 });
  }, 150_000);
});
