import { spawn } from "node:child_process";
import { createServer } from "node:http";
import autocannon from "autocannon";
import postgres from "postgres";
import { createRollouts } from "./fixtures.js";
import { api, authHeaders, cpuSeconds, fmt, freshDatabase, printTable, root, startService, writeResult } from "./lib.js";

/**
 * `npx tsx bench/verdict-endpoint.ts`: autocannon (in this process) against (a) a bare Hono route
 * returning a constant JSON of a verdict's size and (b) GET /v1/rollouts/{id}/verdict of the real
 * service on PostgreSQL with 1,000 rollouts, at 64 and 256 connections, in one run. The pollers send a
 * viewer token from the api_tokens table, as deploy tools do. The service runs twice: without an
 * OpenTelemetry SDK, and with it exporting traces and metrics over OTLP to a local sink, as `npm start`
 * does. The servers run as child processes, autocannon in this one; nothing is pinned: the load
 * generator, the servers and PostgreSQL share the 2 cores.
 * Targets (service without the SDK): throughput >= 70% of bare Hono's; p99 <= 10 ms at 64 connections.
 */
const quick = process.argv.includes("--quick");
const ROLLOUTS = quick ? 100 : 1000;
const DURATION_S = quick ? 2 : 10;
const WARMUP_S = quick ? 1 : 3;
const CONNECTIONS = [64, 256];
const SERVICE = "verdict (PostgreSQL)";
const TRACED = "verdict, OpenTelemetry SDK on";

interface Measured {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  serverCpu: number;
}

async function load(target: string, pid: number, url: string | string[], connections: number, headers: Record<string, string>): Promise<Measured> {
  const requests = (Array.isArray(url) ? url : [url]).map((u) => ({ method: "GET" as const, path: new URL(u).pathname }));
  const origin = new URL(Array.isArray(url) ? (url[0] ?? "") : url).origin;
  const run = (duration: number) =>
    autocannon({ url: origin, connections, duration, headers, requests, pipelining: 1 });
  await run(WARMUP_S);
  const cpuBefore = cpuSeconds(pid);
  const result = await run(DURATION_S);
  const serverCpu = (cpuSeconds(pid) - cpuBefore) / DURATION_S;
  return { target, connections, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx, serverCpu };
}

const database = await freshDatabase("cg_bench_verdict");
const serviceEnv = { DATABASE_URL: database.url, SCHEDULER_ENABLED: "false", PROMETHEUS_URL: "http://127.0.0.1:9", RATE_LIMIT_PER_MINUTE: "1000000" };
// An OTLP/HTTP endpoint that takes every export and answers 200, so the SDK does all its work.
let exported = 0;
const sink = createServer((request, response) => {
  request.on("data", (chunk: Buffer) => {
    exported += chunk.length;
  });
  request.on("end", () => response.writeHead(200, { "content-type": "application/x-protobuf" }).end());
});
await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
const sinkAddress = sink.address();
const sinkUrl = `http://127.0.0.1:${typeof sinkAddress === "object" && sinkAddress ? sinkAddress.port : 0}`;
const service = await startService({ ...serviceEnv, OTEL_SDK_DISABLED: "true" });
const traced = await startService({ ...serviceEnv, OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_SERVICE_NAME: "canary-gate-bench", OTEL_METRIC_EXPORT_INTERVAL: "5000" }, { withTelemetry: true });
let bare: ReturnType<typeof spawn> | undefined;
try {
  const ids = await createRollouts(service.url, { count: ROLLOUTS, services: 10, startedAt: new Date(Date.now() - 20 * 60_000) });
  // A verdict as deploy tools see it mid-rollout: evaluated, with its 8 check summaries.
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  const checks = ["p99-latency", "p50-latency", "fast-share", "traffic", "error-rate", "error-ratio", "latency-tail", "latency-shape"].map((name) => ({
    name,
    result: "pass",
    critical: false,
    summary: `${name}: canary within tolerance of baseline (+1.2%, 95% CI -3.1% to +4.0%)`,
  }));
  await sql`update rollouts set latest_checks = ${sql.json(checks)}, evaluated_at = now(), score = 100, reason = 'All 8 checks pass; steady for 3m of 12h.'`;
  await sql.end();
  const sample = await (await fetch(`${service.url}/v1/rollouts/${ids[0]}/verdict`, { headers: authHeaders })).text();
  const bytes = Buffer.byteLength(sample);
  const viewer = await api<{ token: string }>(service.url, "POST", "/v1/tokens", { name: "bench-poller", role: "viewer" });
  const pollerHeaders = { authorization: `Bearer ${viewer.token}` };

  bare = spawn(process.execPath, ["--import", "tsx", "bench/bare-hono-server.ts"], { cwd: root, env: { PATH: process.env.PATH ?? "", BODY: sample }, stdio: ["ignore", "pipe", "inherit"] });
  const barePort = await new Promise<number>((resolve) => bare?.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  const bareUrl = `http://127.0.0.1:${barePort}/v1/rollouts/${ids[0]}/verdict`;
  const bareBytes = Buffer.byteLength(await (await fetch(bareUrl)).text());
  const verdictUrls = ids.map((id) => `${service.url}/v1/rollouts/${id}/verdict`);
  const tracedUrls = ids.map((id) => `${traced.url}/v1/rollouts/${id}/verdict`);

  const rows: Array<Measured & { ratio: number }> = [];
  for (const connections of CONNECTIONS) {
    // The same 1,000 paths as the service gets, so the load generator does the same work for both.
    const base = await load("bare Hono", bare.pid ?? 0, ids.map((id) => `http://127.0.0.1:${barePort}/v1/rollouts/${id}/verdict`), connections, pollerHeaders);
    const real = await load(SERVICE, service.pid, verdictUrls, connections, pollerHeaders);
    const withSdk = await load(TRACED, traced.pid, tracedUrls, connections, pollerHeaders);
    rows.push({ ...base, ratio: 1 }, { ...real, ratio: real.rps / base.rps }, { ...withSdk, ratio: withSdk.rps / base.rps });
  }
  const served = rows.filter((row) => row.target === SERVICE);
  const at64 = served.find((row) => row.connections === 64);
  const met = { throughput: served.every((r) => r.ratio >= 0.7), p99: (at64?.p99 ?? Infinity) <= 10 };
  printTable(
    `Verdict endpoint vs bare Hono: ${ROLLOUTS} rollouts, body ${bytes} B (bare ${bareBytes} B), ${DURATION_S} s per point after ${WARMUP_S} s warm-up; viewer token; autocannon in the benchmark's process; 2 cores shared, not pinned`,
    ["target", "connections", "req/s", "ratio to bare", "p50 (ms)", "p99 (ms)", "server CPU (cores)", "errors / non-2xx"],
    rows.map((r) => [r.target, r.connections, fmt(r.rps, 0), fmt(r.ratio, 2), fmt(r.p50, 1), fmt(r.p99, 1), fmt(r.serverCpu, 2), `${r.errors} / ${r.non2xx}`]),
  );
  process.stdout.write(`\nOTLP bytes the SDK exported to the sink: ${exported}\n`);
  process.stdout.write(`\nTargets: throughput >= 70% of bare Hono: ${met.throughput ? "met" : "MISSED"}; p99 <= 10 ms at 64 connections: ${met.p99 ? "met" : "MISSED"}\n`);
  writeResult("verdict-endpoint", { rollouts: ROLLOUTS, bodyBytes: bytes, durationS: DURATION_S, rows, targets: met });
} finally {
  bare?.kill("SIGTERM");
  await service.stop();
  await traced.stop();
  sink.close();
  await database.drop();
}
