import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGateYaml } from "../../../src/gates/parse-gate.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { repoRoot } from "./fixture.js";

// Every example file parses, every URL path it calls is a route of the OpenAPI document, and every
// gate among the examples is valid. examples/demo/ is the walkthrough's demo data, not an integration.

const examplesDir = fileURLToPath(new URL("examples/", repoRoot));
const files = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return relative(examplesDir, path) === "demo" ? [] : walk(path);
    return /\.(ya?ml|json)$/.test(entry.name) ? [path] : [];
  });
})(examplesDir);

function parseFile(path: string): unknown[] {
  const text = readFileSync(path, "utf8");
  if (path.endsWith(".json")) return [JSON.parse(text)];
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return doc.toJS();
  });
}

/** Every `/v1/...` path in the file's strings: full URLs and Azure's urlSuffix alike, without the query. */
function apiPaths(value: unknown): string[] {
  if (typeof value === "string") return [...value.matchAll(/(?:^|https?:\/\/[^/\s"']+)(\/v1\/[^\s"'?]*)/g)].map((match) => match[1] ?? "");
  if (Array.isArray(value)) return value.flatMap(apiPaths);
  if (value && typeof value === "object") return Object.values(value).flatMap(apiPaths);
  return [];
}

let t: TestApp;
let routes: RegExp[];
beforeAll(async () => {
  t = await createTestApp();
  const { body } = await t.request("GET", "/openapi.json");
  // `{name}` in the document matches one segment, whatever a tool's own template syntax put there.
  routes = Object.keys(body.paths).map((path) => new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`));
});
afterAll(async () => t?.close());

describe("examples/", () => {
  it("has an example for every tool", () => {
    const dirs = new Set(files.map((file) => relative(examplesDir, file).split("/")[0]));
    expect([...dirs].sort()).toEqual(["argo-rollouts", "azure-pipelines", "flagger", "github-actions", "gitlab", "spinnaker"]);
  });

  it.each(files.map((file) => [relative(examplesDir, file), file]))("%s parses and calls only documented routes", (_, file) => {
    const documents = parseFile(file);
    expect(documents.length).toBeGreaterThan(0);
    for (const path of documents.flatMap(apiPaths)) {
      expect(routes.some((route) => route.test(path)), `${path} is not a route of /openapi.json`).toBe(true);
    }
  });

  it("calls the API from every tool that talks HTTP", () => {
    const byTool = (tool: string) => files.filter((file) => relative(examplesDir, file).startsWith(tool)).flatMap((file) => parseFile(file).flatMap(apiPaths));
    for (const tool of ["argo-rollouts", "azure-pipelines", "flagger", "spinnaker"]) expect(byTool(tool).length, tool).toBeGreaterThan(0);
  });

  it("keeps its gates valid", () => {
    const gates = files.filter((file) => file.includes("/gates/"));
    expect(gates.length).toBeGreaterThan(0);
    for (const file of gates) expect(parseGateYaml(readFileSync(file, "utf8")), file).toMatchObject({ ok: true });
  });
});
