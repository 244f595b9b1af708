import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { expectProblem } from "../helpers/problem.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("service routes", () => {
  it("reports liveness and readiness", async () => {
    expect(await t.request("GET", "/healthz")).toMatchObject({ status: 200, body: { status: "ok" } });
    expect(await t.request("GET", "/readyz")).toMatchObject({ status: 200, body: { status: "ok", checks: { database: "ok" } } });
  });

  it("publishes an OpenAPI 3.1 document covering every API route", async () => {
    const { status, body } = await t.request("GET", "/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    const operations = Object.entries(body.paths).flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        "GET /healthz", "GET /readyz", "GET /v1/gates", "GET /v1/gates/{name}", "PUT /v1/gates/{name}", "POST /v1/rollouts", "GET /v1/rollouts",
        "GET /v1/rollouts/{id}", "GET /v1/rollouts/{id}/verdict", "POST /v1/rollouts/{id}/evaluate", "POST /v1/rollouts/{id}/cancel", "POST /v1/analyze",
        "POST /v1/rollouts/{id}/approvals", "PATCH /v1/rollouts/{id}/properties", "POST /v1/rollouts/{id}/invalidate",
      ]),
    );
    // Every operation is documented with its problems: no route answers errors outside the catalogue.
    for (const [path, item] of Object.entries(body.paths)) {
      for (const operation of Object.values(item as Record<string, { responses: Record<string, unknown> }>)) {
        expect(Object.keys(operation.responses).length, path).toBeGreaterThan(0);
      }
    }
    expect(body.components.schemas.Verdict.required).toEqual(expect.arrayContaining(["verdict", "final", "reason", "score", "checks", "investigationUrl"]));
    expect(body.paths["/v1/rollouts/{id}/verdict"].get.responses["404"].content["application/problem+json"]).toBeDefined();
  });

  it("renders a readable API reference", async () => {
    const response = await t.app.request("/docs");
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("<h1>Canary Gate API</h1>");
    expect(html).toContain("/v1/rollouts/{id}/verdict");
    expect(html).toContain('href="/openapi.json"');
  });

  it("answers unknown routes with a problem", async () => {
    expectProblem(await t.request("GET", "/v2/nothing"), 404, "/problems/not-found");
  });
});
