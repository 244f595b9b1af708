import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSourcesFile } from "../../src/sources/load-sources.js";
import { createPrometheusAlertsSource } from "../../src/sources/prometheus-alerts.js";
import { createPrometheusSource } from "../../src/sources/prometheus.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { expectProblem } from "../helpers/problem.js";
import { StaticSource } from "../helpers/static-source.js";

// Planted secrets, one in every place a source configuration can hold one.
const SECRETS = {
  apiKey: "ddapi-PLANTED-1b2c3d",
  applicationKey: "ddapp-PLANTED-4e5f60",
  header: "Bearer hdr-PLANTED-a1b2c3",
  query: "qry-PLANTED-d4e5f6",
  password: "pwd-PLANTED-778899",
};

let t: TestApp;
const tokens: Record<string, string> = {};
const dir = mkdtempSync(join(tmpdir(), "cg-list-sources-"));

beforeAll(async () => {
  const file = join(dir, "sources.yaml");
  writeFileSync(
    file,
    [
      "sources:",
      "  - { name: dd, type: datadog, site: datadoghq.eu, apiKey: { fromEnv: DD_API_KEY }, applicationKey: { fromEnv: DD_APP_KEY } }",
      `  - { name: status, type: http, url: 'https://status.test/api/?api_key=${SECRETS.query}', headers: { Authorization: { fromEnv: STATUS_TOKEN } } }`,
      "  - { name: am, type: alertmanager, url: 'http://alertmanager.test:9093' }",
      "",
    ].join("\n"),
  );
  const fromFile = loadSourcesFile(file, { DD_API_KEY: SECRETS.apiKey, DD_APP_KEY: SECRETS.applicationKey, STATUS_TOKEN: SECRETS.header }, 4_000);
  // As PROMETHEUS_URL configures it, credentials in the URL included.
  const prometheus = { name: "prometheus", url: `http://reader:${SECRETS.password}@prometheus.test:9090/prom`, timeoutMs: 7_000 };
  t = await createTestApp({ sources: [...fromFile, createPrometheusSource(prometheus), createPrometheusAlertsSource(prometheus), new StaticSource("in-code")] });
  for (const role of ["viewer", "deployer", "approver"]) tokens[role] = (await t.request("POST", "/v1/tokens", { name: role, role })).body.token;
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /v1/sources", () => {
  it("lists every configured source with its URL or site and timeout, and only the names of its secret fields", async () => {
    const response = await t.request("GET", "/v1/sources");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.body.sources).toEqual([
      { name: "am", type: "alertmanager", capabilities: ["monitors"], url: "http://alertmanager.test:9093", site: null, timeoutMs: 4_000, secrets: {} },
      { name: "dd", type: "datadog", capabilities: ["metrics", "monitors"], url: "https://api.datadoghq.eu", site: "datadoghq.eu", timeoutMs: 4_000, secrets: { apiKey: "set", applicationKey: "set" } },
      { name: "in-code", type: "prometheus", capabilities: ["metrics"], url: null, site: null, timeoutMs: null, secrets: {} },
      { name: "prometheus", type: "prometheus", capabilities: ["metrics", "monitors"], url: "http://prometheus.test:9090/prom", site: null, timeoutMs: 7_000, secrets: { "url.credentials": "set" } },
      { name: "status", type: "http", capabilities: ["metrics", "http"], url: "https://status.test/api", site: null, timeoutMs: 4_000, secrets: { "headers.Authorization": "set", "url.query.api_key": "set" } },
    ]);
  });

  it("never shows a secret's value, in the body or the headers", async () => {
    const response = await t.app.request("/v1/sources", { headers: t.adminHeaders });
    const text = `${await response.text()}\n${JSON.stringify(Object.fromEntries(response.headers))}`;
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret.replace(/^Bearer /, ""));
    expect(text).not.toContain("reader");
  });

  it("is for admins: 403 for the other roles, 401 without a token (problem+json)", async () => {
    for (const role of ["viewer", "deployer", "approver"]) {
      expectProblem(await t.request("GET", "/v1/sources", undefined, { authorization: `Bearer ${tokens[role]}` }), 403, "/problems/forbidden");
    }
    expectProblem(await t.request("GET", "/v1/sources", undefined, { authorization: "" }), 401, "/problems/unauthenticated");
  });

  it("is an operation of the OpenAPI document, with its problems", async () => {
    const operation = (await t.request("GET", "/openapi.json")).body.paths["/v1/sources"].get;
    expect(operation.operationId).toBe("listSources");
    expect(Object.keys(operation.responses).sort()).toEqual(["200", "401", "403"]);
    expect(operation.responses["403"].content["application/problem+json"]).toBeDefined();
  });
});
