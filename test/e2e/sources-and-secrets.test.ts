import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApproverDirectory } from "../../src/http/approvers.js";
import { APPROVERS } from "../helpers/approvers.js";
import { createApp } from "../../src/app.js";
import { hashSecret } from "../../src/auth/secrets.js";
import { loadSourcesFile } from "../../src/sources/load-sources.js";
import { createSourceRegistry } from "../../src/sources/registry.js";
import { createLogger } from "../../src/telemetry/logger.js";
import { createMeters } from "../../src/telemetry/meters.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { startFakeDatadog, type FakeDatadog } from "../helpers/fake-datadog.js";

// Planted secrets: each must never appear in a response, a log line, an error or a stored row.
const DD_API_KEY = "ddapi-PLANTED-7f3a9c";
const DD_APP_KEY = "ddapp-PLANTED-51be02";
const STATUS_TOKEN = "Bearer status-PLANTED-c0ffee";
// API tokens: the bootstrap admin token, and one created through the API (its one showing is not searched).
const ADMIN_TOKEN = "cg_bootstrap-PLANTED-8d1e4b7a2c9f60e3b5d4";
let createdToken = "";
const SECRETS = [DD_API_KEY, DD_APP_KEY, STATUS_TOKEN, ADMIN_TOKEN];

const nowSec = Math.floor(Date.now() / 1000);
let datadog: FakeDatadog;
let status: Server;
let statusUrl = "";
let database: TestDatabase;
let app: ReturnType<typeof createApp>;
const logs: string[] = [];
const answers: string[] = [];
const dir = mkdtempSync(join(tmpdir(), "cg-sources-"));

async function call(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
  const response = await app.request(path, { method, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  answers.push(text, JSON.stringify(Object.fromEntries(response.headers)));
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  return { status: response.status, body: isJson && text ? JSON.parse(text) : text };
}

beforeAll(async () => {
  datadog = await startFakeDatadog({
    apiKey: DD_API_KEY,
    applicationKey: DD_APP_KEY,
    monitors: [
      { id: 101, name: "checkout p99 latency", status: "Alert", tags: ["service:shop", "env:prod"], overallStateModified: new Date(Date.now() - 5 * 60_000).toISOString() },
      { id: 102, name: "checkout errors", status: "OK", tags: ["service:shop", "env:prod"] },
      { id: 103, name: "cart errors", status: "Alert", tags: ["service:cart", "env:prod"] },
    ],
    series: {
      "avg:checkout.latency{service:shop,version:v1}": [{ metric: "checkout.latency", scope: "service:shop,version:v1", pointlist: Array.from({ length: 30 }, (_, i) => [(nowSec - 3_600 + i * 60) * 1000, 100 + (i % 3)]) }],
      "avg:checkout.latency{service:shop,version:v2}": [{ metric: "checkout.latency", scope: "service:shop,version:v2", pointlist: Array.from({ length: 20 }, (_, i) => [(nowSec - 1_200 + i * 60) * 1000, 100 + (i % 3)]) }],
    },
  });
  status = createServer((req, res) => {
    const authorised = req.headers.authorization === STATUS_TOKEN;
    res.writeHead(authorised ? 200 : 401, { "content-type": "application/json" });
    const service = new URL(req.url ?? "/", "http://x").searchParams.get("service");
    res.end(JSON.stringify(authorised ? { incidents: { open: service === "shop" ? 0 : 2 }, change: { state: "approved" } } : { error: "unauthorised" }));
  });
  await new Promise<void>((resolve) => status.listen(0, "127.0.0.1", resolve));
  statusUrl = `http://127.0.0.1:${(status.address() as { port: number }).port}`;

  const sourcesFile = join(dir, "sources.yaml");
  writeFileSync(
    sourcesFile,
    [
      "sources:",
      `  - { name: datadog, type: datadog, url: '${datadog.url}', apiKey: { fromEnv: DD_API_KEY }, applicationKey: { fromEnv: DD_APP_KEY } }`,
      `  - { name: datadog-wrong-key, type: datadog, url: '${datadog.url}', apiKey: { fromEnv: DD_APP_KEY }, applicationKey: { fromEnv: DD_API_KEY } }`,
      `  - { name: status, type: http, url: '${statusUrl}', headers: { Authorization: { fromEnv: STATUS_TOKEN } } }`,
      "",
    ].join("\n"),
  );
  const sources = createSourceRegistry(loadSourcesFile(sourcesFile, { DD_API_KEY, DD_APP_KEY, STATUS_TOKEN }, 5_000));
  database = await createTestDatabase();
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  const logger = createLogger({ level: "debug", destination: stream });
  const now = () => new Date();
  const meters = createMeters();
  const evaluation = { db: database.db, sources, now, sourceTimeoutMs: 5_000, logger, meters };
  app = createApp({ config: { publicUrl: "http://canary-gate.test", grafanaUrl: undefined, auth: { enabled: true, adminToken: ADMIN_TOKEN, publicVerdicts: false, publicPages: false, corsOrigins: [], rateLimitPerMinute: 10_000 } }, db: database.db, sources, logger, now, evaluation, meters, approvers: createApproverDirectory(APPROVERS), isAcceptingWork: () => true });
}, 60_000);

afterAll(async () => {
  await database?.close();
  await datadog?.close();
  status?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = async (gate: string, version = "v2") => {
  const response = await call("POST", "/v1/rollouts", { gate, service: "shop", environment: "prod", version, baselineVersion: "v1", startedAt: new Date((nowSec - 1_260) * 1000).toISOString() });
  expect(response.status).toBe(201);
  return response.body.id as string;
};

describe("Datadog and http sources through gates", () => {
  it("fails a Datadog monitor check on the monitor that alerts, linking to it", async () => {
    const gate = { delay: "0s", checks: [{ name: "dd-monitors", type: "monitor", source: "datadog", query: 'tag:"service:{{service}}" tag:"env:{{environment}}"', critical: true }] };
    expect((await call("PUT", "/v1/gates/dd", gate)).status).toBe(201);
    const id = await start("dd");
    const verdict = (await call("POST", `/v1/rollouts/${id}/evaluate`)).body;
    expect(verdict).toMatchObject({ verdict: "halt", final: true });
    expect(verdict.reason).toContain("checkout p99 latency");
    const detail = (await call("GET", `/v1/rollouts/${id}`)).body;
    const monitors = detail.evaluations[0].checks[0].details.monitors;
    expect(monitors).toEqual([expect.objectContaining({ name: "checkout p99 latency", verdict: "alerting" })]);
    expect(monitors[0].link).toMatch(/\/monitors\/101\?from_ts=\d+&to_ts=\d+/);
  });

  it("judges a Datadog metric with the default sequential test", async () => {
    const gate = { delay: "0s", checks: [{ name: "latency", source: "datadog", query: "avg:checkout.latency{service:{{service}},version:{{version}}}", baselineQuery: "avg:checkout.latency{service:{{service}},version:{{baselineVersion}}}" }] };
    expect((await call("PUT", "/v1/gates/dd-metric", gate)).status).toBe(201);
    const verdict = (await call("POST", `/v1/rollouts/${await start("dd-metric")}/evaluate`)).body;
    expect(verdict).toMatchObject({ verdict: "continue", checks: [{ name: "latency", result: "pass" }] });
  });

  it("passes and fails http checks by their condition", async () => {
    const gate = {
      delay: "0s",
      checks: [
        { name: "incidents", type: "http", source: "status", path: "/api/incidents?service={{service}}", jsonPath: "$.incidents.open", condition: "value <= 0" },
        { name: "change", type: "http", source: "status", path: "/api/change", jsonPath: "$.change.state", condition: 'value == "approved"' },
      ],
    };
    expect((await call("PUT", "/v1/gates/entry", gate)).status).toBe(201);
    const verdict = (await call("POST", `/v1/rollouts/${await start("entry")}/evaluate`)).body;
    expect(verdict).toMatchObject({ verdict: "continue", checks: [{ result: "pass" }, { result: "pass" }] });
    expect(verdict.checks[0].summary).toBe("incidents: $.incidents.open is 0, so `value <= 0` is true.");
    const cart = await call("POST", "/v1/rollouts", { gate: "entry", service: "cart", environment: "prod", version: "v9" });
    const failing = (await call("POST", `/v1/rollouts/${cart.body.id}/evaluate`)).body;
    expect(failing).toMatchObject({ verdict: "halt", checks: [{ result: "fail" }, { result: "pass" }] });
  });

  it("rejects bad conditions, JSONPaths and fields a source does not support when the gate is defined", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: "http", source: "status", path: "/x", jsonPath: "$.a", condition: "value <=" }, "body.checks.0.condition"],
      [{ type: "http", source: "status", path: "/x", jsonPath: "$.a[", condition: "value > 1" }, "body.checks.0.jsonPath"],
      [{ type: "http", source: "status", path: "/x", jsonPath: "$.a", condition: "secrets > 1" }, "body.checks.0.condition"],
      [{ type: "monitor", source: "datadog", alertname: "HighLatency" }, "body.checks.0.alertname"],
      [{ type: "monitor", source: "status", query: "x" }, "body.checks.0.source"],
      [{ kind: "histogram", source: "datadog", query: "x" }, "body.checks.0.kind"],
      [{ type: "http", source: "datadog", path: "/x", jsonPath: "$.a", condition: "value > 1" }, "body.checks.0.source"],
      [{ query: "up", source: "nowhere" }, "body.checks.0.source"],
    ];
    for (const [check, path] of cases) {
      const response = await call("PUT", "/v1/gates/bad", { checks: [{ name: "c", ...check }] });
      expect(response.status, JSON.stringify(check)).toBe(400);
      expect(response.body.errors.map((error: { path: string }) => error.path), JSON.stringify(response.body)).toContain(path);
    }
    expect((await call("GET", "/v1/gates/bad")).status).toBe(404);
  });

  it("reports a wrong Datadog key clearly, as an error result", async () => {
    const gate = { delay: "0s", onError: "inconclusive", checks: [{ name: "dd", type: "monitor", source: "datadog-wrong-key", monitorIds: [101] }] };
    expect((await call("PUT", "/v1/gates/wrong-key", gate)).status).toBe(201);
    const id = await start("wrong-key");
    const verdict = (await call("POST", `/v1/rollouts/${id}/evaluate`)).body;
    expect(verdict.checks[0]).toMatchObject({ result: "inconclusive" });
    expect(verdict.checks[0].summary).toMatch(/403.*forbidden/i);
  });
});

describe("secrets", () => {
  it("appear in no response, log line, error or stored row", async () => {
    const created = await app.request("/v1/tokens", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ name: "planted", role: "deployer" }) });
    createdToken = ((await created.json()) as { token: string }).token;
    expect(createdToken).toMatch(/^cg_[A-Za-z0-9_-]{43}$/);
    SECRETS.push(createdToken);
    // Tokens used well and badly: as deployer, where a deployer may not go, in a Flagger body, and to sign in to the pages.
    await call("GET", "/v1/tokens");
    await call("PUT", "/v1/gates/nope", { checks: [] }, createdToken);
    await call("GET", "/v1/gates", undefined, `${createdToken}x`);
    await call("POST", "/v1/flagger/rollout", { name: "shop", namespace: "prod", checksum: "c1", metadata: { gate: "dd", token: createdToken } }, "");
    const form = await app.request("/signin");
    const cookie = (form.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const signedIn = await app.request("/signin", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: new URLSearchParams({ csrf, token: createdToken, next: "/rollouts" }).toString() });
    expect(signedIn.status).toBe(303);
    const session = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const page = await app.request("/rollouts", { headers: { cookie: session } });
    expect(page.status).toBe(200);
    answers.push(await page.text(), JSON.stringify(Object.fromEntries(signedIn.headers)));
    for (const path of ["/v1/gates", "/v1/rollouts?limit=200", "/openapi.json", "/docs", "/readyz"]) await call("GET", path);
    // The admin listing of sources names the fields holding these secrets, never their values.
    const listed = await call("GET", "/v1/sources");
    expect(listed.body.sources.map((source: { name: string; secrets: object }) => [source.name, Object.keys(source.secrets)])).toEqual([
      ["datadog", ["apiKey", "applicationKey"]],
      ["datadog-wrong-key", ["apiKey", "applicationKey"]],
      ["status", ["headers.Authorization"]],
    ]);
    const rollouts = (await call("GET", "/v1/rollouts?limit=200")).body.rollouts as Array<{ id: string }>;
    for (const rollout of rollouts) {
      await call("GET", `/v1/rollouts/${rollout.id}`);
      await call("GET", `/v1/rollouts/${rollout.id}/verdict`);
    }
    const tables = ["gates", "rollouts", "evaluations", "check_results", "approvals", "api_tokens", "web_sessions"];
    const rows: string[] = [];
    for (const table of tables) {
      const result = await database.db.execute(sql.raw(`select row_to_json(t)::text as row from ${table} t`));
      const list = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ row: string }>;
      rows.push(...list.map((item) => item.row));
    }
    expect(rows.length).toBeGreaterThan(10);
    expect(logs.length).toBeGreaterThan(10);
    expect(answers.join("\n")).toContain("forbidden");
    // Only hashes are stored: the created token's SHA-256 is there, the token is not.
    expect(rows.some((row) => row.includes(hashSecret(createdToken)))).toBe(true);
    for (const secret of SECRETS) {
      for (const [where, texts] of Object.entries({ responses: answers, logs, rows })) {
        expect(texts.filter((text) => text.includes(secret)), `${secret} in ${where}`).toEqual([]);
      }
    }
  });
});
