import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, latencyGate, report, startFakePrometheus, startService, tempDir, writeGates, type Service, type SourceMode } from "./service.js";

/**
 * A source that is down, slow past SOURCE_TIMEOUT, answering 5xx, 429, garbage or 50 MB: the
 * evaluation ends on time with an `error` result, the gate's policy applies (fail-closed by
 * default: halt), the process stays healthy, and the next evaluation recovers with the source.
 */

const SOURCE_TIMEOUT_MS = 1_000;
const ON_TIME_MS = SOURCE_TIMEOUT_MS + 2_000;
const FAULTS: Array<SourceMode | "down"> = ["down", "slow", "5xx", "429", "garbage", "huge"];

const scratch = tempDir("cg-source-faults-");
let fake: Awaited<ReturnType<typeof startFakePrometheus>>;
let service: Service;
const figures: Record<string, number | string> = { faults: 0 };

beforeAll(async () => {
  fake = await startFakePrometheus();
  const gatesDir = writeGates(scratch.dir, {
    strict: latencyGate({ delay: "1m", interval: "1m", timeout: "1h" }),
    tolerant: latencyGate({ delay: "1m", interval: "1m", timeout: "1h", failureLimit: 50, consecutiveErrorLimit: 50 }),
  });
  service = await startService({ DATA_DIR: `${scratch.dir}/data`, GATES_DIR: gatesDir, PROMETHEUS_URL: fake.url, SOURCE_TIMEOUT: `${SOURCE_TIMEOUT_MS}ms`, SCHEDULER_ENABLED: "false" });
});
afterAll(async () => {
  report("source faults", figures);
  service?.child.kill("SIGTERM");
  await service?.exited;
  await fake?.close();
  scratch.remove();
});

const startedAt = new Date(Date.now() - 10 * 60_000).toISOString();
const start = async (gate: string, version: string) => {
  const created = await api(service.url, "POST", "/v1/rollouts", { gate, service: "shop", environment: "prod", version, baselineVersion: "base", startedAt });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
};

async function timedEvaluate(id: string) {
  const began = Date.now();
  const answer = await api(service.url, "POST", `/v1/rollouts/${id}/evaluate`, undefined, 20_000);
  return { ...answer, ms: Date.now() - began };
}

describe("a misbehaving source", () => {
  it.each(FAULTS)("%s: error results on time, fail-closed halt, healthy process, recovery after", async (fault) => {
    const strict = await start("strict", `${fault}-strict`);
    const tolerant = await start("tolerant", `${fault}-tolerant`);
    if (fault === "down") {
      fake.server.closeAllConnections();
      await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    }
    else fake.mode = fault;
    figures.faults = Number(figures.faults) + 1;

    const [failed, waiting] = await Promise.all([timedEvaluate(strict), timedEvaluate(tolerant)]);
    for (const answer of [failed, waiting]) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.ms).toBeLessThan(ON_TIME_MS);
      expect(answer.body.checks).toEqual([expect.objectContaining({ name: "latency", result: "fail" })]);
      expect(answer.body.checks[0].summary).toMatch(/error|prometheus/i);
    }
    const stored = await api(service.url, "GET", `/v1/rollouts/${strict}?evaluations=1`);
    expect(JSON.stringify(stored.body)).toContain('"error"');
    // Fail-closed by default: the strict gate halts; the tolerant gate waits within its limits.
    expect(failed.body).toMatchObject({ verdict: "halt", final: true });
    expect(waiting.body).toMatchObject({ verdict: "pending", final: false });
    expect((await api(service.url, "GET", "/healthz")).status).toBe(200);
    expect((await api(service.url, "GET", "/readyz")).status).toBe(200);

    const healed = Date.now();
    if (fault === "down") await new Promise<void>((resolve) => fake.server.listen(fake.port, "127.0.0.1", resolve));
    fake.mode = "healthy";
    const recovered = await timedEvaluate(tolerant);
    expect(recovered.status).toBe(200);
    expect(recovered.body.checks[0].result, recovered.body.checks[0].summary).not.toBe("fail");
    figures[`${fault}.evaluationMs`] = Math.max(failed.ms, waiting.ms);
    figures[`${fault}.recoveryMs`] = Date.now() - healed;
  }, 30_000);
});
