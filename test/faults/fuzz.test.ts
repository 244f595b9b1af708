import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { StaticSource } from "../helpers/static-source.js";

/**
 * Thousands of generated requests against every operation of the OpenAPI document: no 5xx, every
 * error is problem+json (validation errors name their fields), and a rejected request changes no row.
 */

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[]; default?: unknown; example?: unknown };
interface Operation { method: string; path: string; params: Array<{ in: string; name: string }>; body?: Schema; answers: Set<string> }

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
let t: TestApp;
const operations: Operation[] = [];
let components: Record<string, Schema> = {};
let rolloutId = "";
const figures = { requests: 0, byStatus: new Map<number, number>(), rejectedChecked: 0 };

const source = new StaticSource("prometheus").set('lat{v="base"}', [1, 2, 3]).set('lat{v="v1"}', [1, 2, 3]);

beforeAll(async () => {
  t = await createTestApp({ sources: [source] });
  const gate = { delay: "1m", interval: "1m", timeout: "10m", checks: [{ name: "latency", source: "prometheus", query: 'lat{v="{{version}}"}', baselineQuery: 'lat{v="{{baselineVersion}}"}' }] };
  expect((await t.request("PUT", "/v1/gates/web", gate)).status).toBe(201);
  const started = await t.request("POST", "/v1/rollouts", { gate: "web", service: "shop", environment: "prod", version: "v1", baselineVersion: "base" });
  rolloutId = started.body.id;
  const doc = (await t.request("GET", "/openapi.json")).body;
  components = doc.components?.schemas ?? {};
  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      operations.push({ method: method.toUpperCase(), path, params: op.parameters ?? [], body: op.requestBody?.content?.["application/json"]?.schema, answers: documentedAnswers(op.responses ?? {}) });
    }
  }
});
afterAll(async () => {
  const statuses = [...figures.byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(" ");
  console.log(`[fuzz] ${figures.requests} requests over ${operations.length} operations; statuses ${statuses}; ${figures.rejectedChecked} rejected requests checked for unchanged rows; 0 5xx`);
  await t?.close();
});

/** "status media-type" pairs the operation documents, e.g. the status-code gate's 423 JSON answer. */
function documentedAnswers(responses: Record<string, { content?: Record<string, unknown> }>): Set<string> {
  return new Set(Object.entries(responses).flatMap(([status, response]) => Object.keys(response.content ?? {}).map((media) => `${status} ${media}`)));
}

function resolve(schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(components[schema.$ref.split("/").pop() ?? ""]);
  return schema;
}

/** A plausible value for a schema: the starting point that mutations then break. */
function plausible(input: Schema | undefined, depth = 0): unknown {
  const schema = resolve(input);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.[0]) return plausible(union[0], depth + 1);
  if (schema.allOf?.[0]) return plausible(schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (depth > 4) return null;
  if (type === "object" || schema.properties) return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, plausible(value, depth + 1)]));
  if (type === "array") return [plausible(schema.items, depth + 1)];
  if (type === "integer" || type === "number") return 1;
  if (type === "boolean") return true;
  return "x";
}

function deep(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

const nasty = fc.oneof(
  fc.constantFrom("NaN", "Infinity", "-Infinity", "1e400", "-0", "", " ", "\u0000", "null", "true", "{{", "{{nope}}", "{{service", "5x", "-1m", "1e9h", "0s", "99999999999d", "P1D", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "🦜🦜", "\ud800", "a".repeat(70_000)),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0, 0.5, 2 ** 53, -(2 ** 31), 1e-320),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 20, max: 3_000 }).map((depth) => deep(depth, "x")),
  fc.constant([]),
  fc.constant({}),
);

function mutate(value: unknown, picks: number[], replacement: unknown, extraKey: string | null): unknown {
  if (picks.length === 0 || value === null || typeof value !== "object") return replacement;
  const clone: any = Array.isArray(value) ? [...value] : { ...value };
  const keys = Object.keys(clone);
  if (extraKey !== null && picks.length === 1) clone[extraKey] = replacement;
  if (keys.length === 0) return clone;
  const key = keys[(picks[0] ?? 0) % keys.length] ?? "";
  clone[key] = mutate(clone[key], picks.slice(1), replacement, extraKey);
  return clone;
}

const rawBodies = fc.oneof(
  fc.constantFrom("{", "[]", "null", "NaN", "Infinity", '{"a":NaN}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', "\u00ff\u00fe", '"str"', "1e999"),
  fc.integer({ min: 1_000, max: 200_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc.integer({ min: 1_000, max: 50_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  fc.constant(`{"x":"${"y".repeat(1_100_000)}"}`),
  fc.string({ maxLength: 200 }),
);

const pathValue = fc.oneof(
  fc.constant("ROLLOUT"),
  fc.constant("web"),
  fc.uuid(),
  fc.constantFrom("%", "%zz", "%E0%A4%A", "..", "%2e%2e", "%00", "a%2Fb", "null", "0", "-1", "1e400", "NaN", "x".repeat(5_000), "🦜", encodeURIComponent("ü\u0000")),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
);

const request = fc.record({
  op: fc.nat(),
  params: fc.array(pathValue, { minLength: 3, maxLength: 3 }),
  query: fc.array(fc.tuple(fc.nat(), fc.oneof(nasty.map((v) => (typeof v === "string" ? v.slice(0, 2_000) : JSON.stringify(v)?.slice(0, 2_000) ?? "")), fc.constantFrom("1", "0", "true", "2026-01-01T00:00:00Z", "pending", "-5", "101", "1e3"))), { maxLength: 4 }),
  body: fc.oneof(
    { weight: 6, arbitrary: fc.record({ picks: fc.array(fc.nat(), { maxLength: 4 }), replacement: nasty, extraKey: fc.option(fc.constantFrom("unknownField", "__proto__", "constructor", "🦜"), { freq: 3 }) }).map((m) => ({ kind: "mutated" as const, ...m })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: "json" as const, value })) },
    { weight: 2, arbitrary: rawBodies.map((text) => ({ kind: "raw" as const, text })) },
    { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  ),
  contentType: fc.constantFrom("application/json", "application/json", "application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""),
});

/** Every row of every table, as one digest per table. */
async function snapshot(): Promise<Record<string, string>> {
  const result = await t.database.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ tablename: string }>;
  const union = rows.map(({ tablename }) => `select '${tablename}' as name, coalesce(md5(string_agg(r::text, '|' order by r::text)), '') as digest from "${tablename}" r`).join(" union all ");
  const digests = await t.database.db.execute(sql.raw(union));
  const list = (Array.isArray(digests) ? digests : (digests as { rows: unknown[] }).rows) as Array<{ name: string; digest: string }>;
  return Object.fromEntries(list.map(({ name, digest }) => [name, digest]));
}

describe("fuzzing every endpoint", () => {
  it("answers generated bad input with 4xx problem+json naming the field, and stores nothing", async () => {
    let before = await snapshot();
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const op = operations[input.op % operations.length] as Operation;
        let index = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => {
          const value = input.params[index++] ?? "x";
          return value === "ROLLOUT" ? rolloutId : value;
        });
        const queryNames = op.params.filter((p) => p.in === "query").map((p) => p.name);
        const search = new URLSearchParams();
        for (const [pick, value] of input.query) search.append(queryNames[pick % Math.max(1, queryNames.length)] ?? "unknown", value);
        const headers: Record<string, string> = { ...t.adminHeaders };
        if (input.contentType) headers["content-type"] = input.contentType;
        let body: string | undefined;
        if (op.method !== "GET" && op.method !== "HEAD") {
          const b = input.body;
          if (b.kind === "mutated") body = JSON.stringify(mutate(plausible(op.body), b.picks, b.replacement, b.extraKey)) ?? "null";
          else if (b.kind === "json") body = JSON.stringify(b.value);
          else if (b.kind === "raw") body = b.text;
        }
        const query = search.size ? `?${search}` : "";
        const response = await t.app.request(`${path}${query}`, { method: op.method, headers, ...(body !== undefined ? { body } : {}) });
        const text = await response.text();
        figures.requests += 1;
        figures.byStatus.set(response.status, (figures.byStatus.get(response.status) ?? 0) + 1);
        const where = `${op.method} ${path}${query.slice(0, 200)} body ${body?.slice(0, 300)}`;
        expect(response.status, `${where} → ${text.slice(0, 500)}`).toBeLessThan(500);
        const media = response.headers.get("content-type")?.split(";")[0] ?? "";
        const isGateAnswer = media === "application/json" && op.answers.has(`${response.status} ${media}`);
        if (response.status >= 400 && !isGateAnswer) {
          expect(response.headers.get("content-type"), where).toContain("application/problem+json");
          const problem = JSON.parse(text);
          expect(problem).toMatchObject({ status: response.status, type: expect.any(String), detail: expect.any(String) });
          if (problem.type === "/problems/validation") {
            expect(problem.errors.length, where).toBeGreaterThan(0);
            for (const error of problem.errors) expect(error.path, where).toMatch(/^(body|query|param|header)/);
          }
          const after = await snapshot();
          expect(after, `rows changed by rejected ${where}`).toEqual(before);
          figures.rejectedChecked += 1;
        } else if (response.status < 400) {
          before = await snapshot();
        }
      }),
      { numRuns: RUNS * operations.length, seed: Number(process.env.FUZZ_SEED ?? 20261123), endOnFailure: true },
    );
  }, 120_000);
});

describe("text PostgreSQL cannot store", () => {
  it.each([
    ["a lone surrogate in a property", "PATCH", "/properties", { changeTicket: "\ud800" }, "body.changeTicket"],
    ["a NUL in a property", "PATCH", "/properties", { note: "a\u0000b" }, "body.note"],
    ["a NUL in a label", "POST", "", { gate: "web", service: "shop", environment: "prod", version: "v9", labels: { team: "\u0000" } }, "body.labels.team"],
  ])("answers 400 naming the field for %s", async (_, method, suffix, body, path) => {
    const before = await snapshot();
    const target = suffix ? `/v1/rollouts/${rolloutId}${suffix}` : "/v1/rollouts";
    const response = await t.request(method, target, body);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
    expect(await snapshot()).toEqual(before);
  });
});
