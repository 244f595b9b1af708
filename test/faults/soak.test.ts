import { Agent, request } from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN } from "./support.js";
import { api, createDatabase, latencyGate, percentile, report, runScript, sleep, startFakePrometheus, startService, tempDir, writeGates, type Service } from "./service.js";

/**
 * A bounded soak: 500 keep-alive pollers (one token, its rate limit raised as for a deploy fleet)
 * read verdicts while the scheduler evaluates 200 rollouts.
 * Zero errors; verdict p50/p99 and the service's RSS at start and end are reported; RSS stays flat.
 * SOAK_SECONDS makes it longer (default 30 s).
 */

const SECONDS = Number(process.env.SOAK_SECONDS ?? 30);
const POLLERS = 500;
const ROLLOUTS = 200;
// Each poller asks once a second (deploy tools poll every few seconds): up to 500 verdict reads a second.
const PAUSE_MS = 1_000;
const WARM_UP_MS = 10_000;
const scratch = tempDir("cg-soak-");
let database: Awaited<ReturnType<typeof createDatabase>>;
let fake: Awaited<ReturnType<typeof startFakePrometheus>>;
let service: Service;

beforeAll(async () => {
  database = await createDatabase(`cg_soak_${process.pid}`);
  await runScript("src/migrate.ts", { DATABASE_URL: database.url });
  fake = await startFakePrometheus();
  const gatesDir = writeGates(scratch.dir, { soak: latencyGate({ delay: "1s", interval: "3s", timeout: "1h", steadyFor: "1h", failureLimit: 1000 }, "mann-whitney") });
  service = await startService({ DATABASE_URL: database.url, GATES_DIR: gatesDir, PROMETHEUS_URL: fake.url, SOURCE_TIMEOUT: "2s", SCHEDULER_TICK: "200ms", RATE_LIMIT_PER_MINUTE: "1000000" });
}, 120_000);
afterAll(async () => {
  service?.child.kill("SIGTERM");
  await service?.exited;
  await fake?.close();
  await database?.drop();
  scratch.remove();
});

function get(agent: Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

describe("soak", () => {
  it(`${POLLERS} pollers read verdicts for ${SECONDS}s while ${ROLLOUTS} rollouts are evaluated`, async () => {
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const ids: string[] = [];
    for (let batch = 0; batch < ROLLOUTS; batch += 25) {
      const created = await Promise.all(Array.from({ length: 25 }, (_, i) => api(service.url, "POST", "/v1/rollouts", { gate: "soak", service: "shop", environment: "prod", version: `v${batch + i}`, baselineVersion: "base", startedAt })));
      for (const answer of created) {
        expect(answer.status).toBe(201);
        ids.push(answer.body.id);
      }
    }
    const agent = new Agent({ keepAlive: true, maxSockets: POLLERS });
    const latencies: number[] = [];
    const errors: string[] = [];
    let stop = false;
    const poller = async (n: number) => {
      for (let i = n; !stop; i += POLLERS) {
        const began = performance.now();
        try {
          const answer = await get(agent, `${service.url}/v1/rollouts/${ids[i % ids.length]}/verdict`);
          latencies.push(performance.now() - began);
          if (answer.status !== 200 || !/"verdict":"(pending|continue|halt)"/.test(answer.body)) errors.push(`${answer.status} ${answer.body.slice(0, 200)}`);
        } catch (error) {
          errors.push(String(error));
        }
        // Jittered, so the 500 pollers do not fire in lock-step bursts.
        await sleep(PAUSE_MS * (0.5 + Math.random()));
      }
    };
    const running = Array.from({ length: POLLERS }, (_, n) => poller(n));
    // Warm-up: the heap grows to its working size under load before "start" is measured.
    await sleep(WARM_UP_MS);
    const rssStart = await service.rss();
    const db = postgres(database.url, { max: 1, onnotice: () => undefined });
    const from = new Date();
    const samples: number[] = [];
    for (let elapsed = 0; elapsed < SECONDS; elapsed += 5) {
      await sleep(Math.min(5, SECONDS - elapsed) * 1_000);
      samples.push(await service.rss());
    }
    const rssEnd = samples.at(-1) ?? rssStart;
    stop = true;
    await Promise.all(running);
    agent.destroy();
    const [row] = await db<Array<{ n: number }>>`select count(*)::int as n from evaluations where evaluated_at >= ${from}`;
    await db.end();
    const evaluations = row?.n ?? 0;
    const figures = {
      pollers: POLLERS,
      seconds: SECONDS,
      requests: latencies.length + errors.length,
      errors: errors.length,
      requestsPerSecond: latencies.length / (SECONDS + WARM_UP_MS / 1_000),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      evaluations,
      dueEvaluations: (ROLLOUTS * SECONDS) / 3,
      rssStartMB: rssStart / 2 ** 20,
      rssEndMB: rssEnd / 2 ** 20,
      rssMaxMB: Math.max(rssStart, ...samples) / 2 ** 20,
      rssSamplesMB: samples.map((sample) => Math.round(sample / 2 ** 20)).join("/"),
    };
    report("soak", figures);
    const kinds = new Map<string, number>();
    for (const error of errors) kinds.set(error.slice(0, 120), (kinds.get(error.slice(0, 120)) ?? 0) + 1);
    expect([...kinds].slice(0, 5)).toEqual([]);
    // The scheduler keeps up under the read load: most due evaluations happen (generous for 2 busy cores).
    expect(evaluations).toBeGreaterThan((ROLLOUTS * SECONDS) / 3 / 2);
    expect(rssEnd - rssStart).toBeLessThan(100 * 2 ** 20);
  }, (SECONDS + 120) * 1_000);
});
