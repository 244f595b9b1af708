import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { api, latencyGate, report, startFakePrometheus, startService, tempDir, waitFor, writeGates } from "./service.js";

/**
 * SIGTERM during an evaluation: the process stops claiming work and reports not ready, lets the
 * evaluation finish and store its result, closes the database and exits 0.
 */

const SOURCE_DELAY_MS = 2_500;
const scratch = tempDir("cg-shutdown-");
let fake: Awaited<ReturnType<typeof startFakePrometheus>>;

beforeAll(async () => {
  fake = await startFakePrometheus();
});
afterAll(async () => {
  await fake?.close();
  scratch.remove();
});

describe("graceful shutdown", () => {
  it("finishes the in-flight evaluation, stores it, and exits 0", async () => {
    const gatesDir = writeGates(scratch.dir, { slow: latencyGate({ delay: "1s", interval: "1m", timeout: "1h" }, "mann-whitney") });
    const dataDir = `${scratch.dir}/data`;
    const service = await startService({ DATA_DIR: dataDir, GATES_DIR: gatesDir, PROMETHEUS_URL: fake.url, SOURCE_TIMEOUT: "10s", SCHEDULER_TICK: "200ms" });
    fake.delayMs = SOURCE_DELAY_MS;
    const created = await api(service.url, "POST", "/v1/rollouts", { gate: "slow", service: "shop", environment: "prod", version: "v2", baselineVersion: "v1", startedAt: new Date(Date.now() - 60_000).toISOString() });
    expect(created.status).toBe(201);
    await waitFor("the scheduler's evaluation to be in flight", async () => fake.inFlight > 0, 10_000, 10);
    const requestsAtSignal = fake.requests;

    const signalledAt = Date.now();
    service.child.kill("SIGTERM");
    const draining = await waitFor("/readyz to report shutting down", async () => {
      const ready = await api(service.url, "GET", "/readyz", undefined, 2_000);
      return ready.status === 503 ? ready.body : undefined;
    }, 2_000, 20);
    expect(draining.checks.process).toBe("shutting down");
    const code = await service.exited;
    const shutdownMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    expect(shutdownMs).toBeLessThan(SOURCE_DELAY_MS + 5_000);
    // Nothing new was claimed after the signal: only the in-flight evaluation's queries arrived.
    expect(fake.requests - requestsAtSignal).toBeLessThanOrEqual(2);

    const database = await openDatabase({ dataDir });
    try {
      const result = await database.db.execute(sql`select count(*)::int as n, max(evaluation_count)::int as c from evaluations join rollouts on rollouts.id = evaluations.rollout_id`);
      const [row] = ((Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ n: number; c: number }>);
      expect(row).toEqual({ n: 1, c: 1 });
    } finally {
      await database.close();
    }
    report("graceful shutdown", { sourceDelayMs: SOURCE_DELAY_MS, shutdownMs, exitCode: code, evaluationsStored: 1 });
  }, 60_000);
});
