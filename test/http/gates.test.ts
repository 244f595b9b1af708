import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { expectProblem } from "../helpers/problem.js";
import { StaticSource } from "../helpers/static-source.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ sources: [new StaticSource("prometheus")] });
});
afterAll(async () => t?.close());

const gate = {
  delay: "30s",
  checks: [{ name: "p99-latency", source: "prometheus", query: 'p99{service="{{service}}"}', critical: true }],
};


describe("PUT /v1/gates/{name}", () => {
  it("stores version 1, keeps it for an identical definition, and adds version 2 for a change", async () => {
    const first = await t.request("PUT", "/v1/gates/checkout", gate);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: "checkout", version: 1, origin: "api" });
    expect(first.body.definition.checks[0]).toMatchObject({ test: "sequential-mean", tolerance: 0.05, critical: true });
    expect(first.body.definition).toMatchObject({ errorBudget: "bonferroni", scoring: { pass: 95, marginal: 75 } });

    const reordered = await t.request("PUT", "/v1/gates/checkout", { checks: gate.checks, delay: "30s" });
    expect(reordered.status).toBe(200);
    expect(reordered.body.version).toBe(1);

    const changed = await t.request("PUT", "/v1/gates/checkout", { ...gate, timeout: "2h" });
    expect(changed.status).toBe(201);
    expect(changed.body.version).toBe(2);

    const v1 = await t.request("GET", "/v1/gates/checkout?version=1");
    expect(v1.body.definition.timeout).toBe("1h");
    const latest = await t.request("GET", "/v1/gates/checkout");
    expect(latest.body).toMatchObject({ version: 2, definition: { timeout: "2h" } });
  });

  it("answers a bad definition with 400 naming the field, and stores nothing", async () => {
    const bad = await t.request("PUT", "/v1/gates/broken", { checks: [{ ...gate.checks[0], direction: "up" }] });
    expectProblem(bad, 400, "/problems/gate-invalid");
    expect(bad.body.errors[0].path).toBe("body.checks.0.direction");
    const unknownSource = await t.request("PUT", "/v1/gates/broken", { checks: [{ ...gate.checks[0], source: "graphite" }] });
    expectProblem(unknownSource, 400, "/problems/gate-invalid");
    expect(unknownSource.body.detail).toContain('unknown source "graphite"');
    expectProblem(await t.request("GET", "/v1/gates/broken"), 404, "/problems/gate-not-found");
  });

  it("rejects malformed JSON, a non-object body, a bad name and oversized bodies", async () => {
    expectProblem(await t.request("PUT", "/v1/gates/x", "{not json"), 400, "/problems/malformed-json");
    expectProblem(await t.request("PUT", "/v1/gates/x", [1, 2]), 400, "/problems/validation");
    expectProblem(await t.request("PUT", "/v1/gates/Bad%20Name", gate), 400, "/problems/validation");
    const huge = { ...gate, description: "x".repeat(2 * 1024 * 1024) };
    expectProblem(await t.request("PUT", "/v1/gates/x", huge), 413, "/problems/payload-too-large");
  });
});

describe("GET /v1/gates", () => {
  it("lists the latest version of each gate", async () => {
    await t.request("PUT", "/v1/gates/listed", gate);
    const response = await t.request("GET", "/v1/gates");
    expect(response.status).toBe(200);
    const names = response.body.gates.map((g: { name: string }) => g.name);
    expect(names).toContain("listed");
    expect(new Set(names).size).toBe(names.length);
  });

  it("answers unknown gates and bad versions with problems", async () => {
    expectProblem(await t.request("GET", "/v1/gates/nope"), 404, "/problems/gate-not-found");
    expectProblem(await t.request("GET", "/v1/gates/listed?version=abc"), 400, "/problems/validation");
    expectProblem(await t.request("GET", "/v1/gates/listed?version=99"), 404, "/problems/gate-not-found");
  });
});
