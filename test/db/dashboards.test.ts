import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/analysis/check-result.js";
import { initialPolicyState } from "../../src/analysis/policy.js";
import type { CheckOutcome, Verdict } from "../../src/analysis/types.js";
import { recordEvaluation } from "../../src/db/queries/evaluations.js";
import { dashboardCheckResults, dashboardEvaluations, dashboardRollouts, rollouts } from "../../src/db/schema/index.js";
import { emptyDetails } from "../../src/evaluation/empty-details.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import {
  GRAFANA_BUILT_INS,
  NUMERIC_TYPES,
  TIME_TYPES,
  allPanels,
  allStrings,
  interpolate,
  linkedFields,
  loadDashboards,
  overriddenFields,
  runSql,
  variableReferences,
  type GrafanaDashboard,
  type GrafanaPanel,
  type GrafanaTarget,
  type QueryContext,
  type SqlResult,
} from "./dashboard-sql.js";

const POSTGRES = { type: "grafana-postgresql-datasource", uid: "${datasource}" };
const at = (time: string) => new Date(`2026-05-01T${time}:00Z`);
const range = { from: at("09:00"), to: at("15:00"), interval: "1m" };

let database: TestDatabase;
const ids: Record<string, string> = {};

interface CheckSpec {
  name: string;
  result: CheckOutcome;
  critical?: boolean;
  test?: string;
  pValue?: number;
  eValue?: number;
  change?: [number, number, number];
}

function checkResult(spec: CheckSpec): CheckResult {
  const details = emptyDetails("metric", "prometheus", spec.test ?? null);
  return {
    name: spec.name,
    result: spec.result,
    critical: spec.critical ?? false,
    weight: 1,
    summary: `${spec.name}: ${spec.result}`,
    details: {
      ...details,
      kind: "series",
      pValue: spec.pValue ?? null,
      eValue: spec.eValue ?? null,
      interval: spec.change ? { estimate: spec.change[0], lower: spec.change[1], upper: spec.change[2] } : null,
      relativeChange: spec.change?.[0] ?? null,
    },
  };
}

/** A rollout and its evaluations, written the way the evaluator writes them. */
async function seedRollout(key: string, identity: { service: string; environment: string; version: string; startedAt: Date }, evaluations: Array<{ at: Date; verdict: Verdict; isFinal: boolean; checks: CheckSpec[] }>) {
  const [row] = await database.db
    .insert(rollouts)
    .values({ gateName: "web", gateVersion: 1, ...identity, reason: "Waiting for the first evaluation.", nextEvaluationAt: identity.startedAt, policyState: initialPolicyState })
    .returning({ id: rollouts.id });
  if (!row) throw new Error("rollout insert returned no row");
  ids[key] = row.id;
  for (const evaluation of evaluations) {
    const results = evaluation.checks.map(checkResult);
    const passing = results.filter((result) => result.result === "pass").length;
    await recordEvaluation(database.db, {
      rolloutId: row.id,
      evaluatedAt: evaluation.at,
      verdict: evaluation.verdict,
      isFinal: evaluation.isFinal,
      reason: `${evaluation.verdict} after ${passing} of ${results.length} checks passed`,
      score: (100 * passing) / results.length,
      trigger: "scheduler",
      durationMs: 250,
      results,
      policyState: initialPolicyState,
      checkStates: {},
      nextEvaluationAt: new Date(evaluation.at.getTime() + 120_000),
    });
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  const latency = (result: CheckOutcome, pValue: number, change: number): CheckSpec => ({
    name: "p99-latency", result, critical: true, test: "mann-whitney", pValue, change: [change, change - 0.03, change + 0.03],
  });
  const errors = (result: CheckOutcome, eValue: number): CheckSpec => ({ name: "error-rate", result, test: "poisson-rate-ratio", eValue, change: [0.01, -0.2, 0.3] });
  await seedRollout("continued", { service: "checkout", environment: "prod", version: "v2", startedAt: at("10:00") }, [
    { at: at("10:02"), verdict: "pending", isFinal: false, checks: [latency("inconclusive", 0.4, 0.01), errors("inconclusive", 1.5)] },
    { at: at("10:04"), verdict: "pending", isFinal: false, checks: [latency("pass", 0.6, 0.0), errors("pass", 0.8)] },
    { at: at("10:06"), verdict: "continue", isFinal: true, checks: [latency("pass", 0.7, -0.01), errors("pass", 0.5)] },
  ]);
  await seedRollout("halted", { service: "checkout", environment: "prod", version: "v3", startedAt: at("11:00") }, [
    { at: at("11:02"), verdict: "pending", isFinal: false, checks: [latency("inconclusive", 0.04, 0.08), errors("pass", 2)] },
    { at: at("11:04"), verdict: "halt", isFinal: true, checks: [latency("fail", 0.001, 0.12), errors("fail", 40)] },
  ]);
  await seedRollout("staging", { service: "checkout", environment: "staging", version: "v4", startedAt: at("12:00") }, [
    { at: at("12:02"), verdict: "pending", isFinal: false, checks: [latency("inconclusive", 0.2, 0.02), { name: "error-rate", result: "nodata" }] },
  ]);
  await seedRollout("search", { service: "search", environment: "prod", version: "v9", startedAt: at("12:30") }, [
    { at: at("12:33"), verdict: "pending", isFinal: false, checks: [{ name: "monitors", result: "pass" }] },
  ]);
});
afterAll(async () => database?.close());

describe("dashboard views", () => {
  it("give one row per rollout with its time to verdict and investigation path", async () => {
    const [halted] = await database.db.select().from(dashboardRollouts).where(eq(dashboardRollouts.rolloutId, ids.halted as string));
    expect(halted).toMatchObject({
      service: "checkout", environment: "prod", gate: "web", version: "v3", verdict: "halt", final: true, score: 0,
      timeToVerdictSeconds: 240, evaluationCount: 2, investigationPath: `/rollouts/${ids.halted}`,
    });
    expect(halted?.finishedAt?.toISOString()).toBe(at("11:04").toISOString());
    const [running] = await database.db.select().from(dashboardRollouts).where(eq(dashboardRollouts.rolloutId, ids.staging as string));
    expect(running).toMatchObject({ final: false, finishedAt: null, timeToVerdictSeconds: null, evaluationCount: 1 });
  });

  it("give one row per evaluation with the seconds since the rollout started", async () => {
    const rows = await database.db.select().from(dashboardEvaluations).where(eq(dashboardEvaluations.rolloutId, ids.continued as string)).orderBy(asc(dashboardEvaluations.sequence));
    expect(rows.map((row) => [row.sequence, row.verdict, row.final, row.secondsSinceStart, row.service, row.trigger])).toEqual([
      [1, "pending", false, 120, "checkout", "scheduler"],
      [2, "pending", false, 240, "checkout", "scheduler"],
      [3, "continue", true, 360, "checkout", "scheduler"],
    ]);
  });

  it("give one row per check result with its statistics and the e-value from its details", async () => {
    const rows = await database.db.select().from(dashboardCheckResults).where(eq(dashboardCheckResults.rolloutId, ids.halted as string)).orderBy(asc(dashboardCheckResults.sequence), asc(dashboardCheckResults.position));
    expect(rows.map((row) => [row.sequence, row.checkName, row.result, row.critical, row.test, row.pValue, row.eValue, row.relativeChange, row.kind, row.source])).toEqual([
      [1, "p99-latency", "inconclusive", true, "mann-whitney", 0.04, null, 0.08, "series", "prometheus"],
      [1, "error-rate", "pass", false, "poisson-rate-ratio", null, 2, 0.01, "series", "prometheus"],
      [2, "p99-latency", "fail", true, "mann-whitney", 0.001, null, 0.12, "series", "prometheus"],
      [2, "error-rate", "fail", false, "poisson-rate-ratio", null, 40, 0.01, "series", "prometheus"],
    ]);
    expect(rows[2]).toMatchObject({ estimate: 0.12, lower: 0.09, upper: 0.15, service: "checkout", environment: "prod", gate: "web", version: "v3" });
  });
});

const dashboards = loadDashboards();
const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

describe("dashboards/", () => {
  it("holds the overview, service and rollout dashboards with unique, fixed uids", () => {
    expect(dashboards.map(({ dashboard }) => dashboard.uid)).toEqual(["canary-gate-overview", "canary-gate-rollout", "canary-gate-service"]);
    for (const { file, dashboard } of dashboards) {
      expect(file).toBe(`${dashboard.uid}.json`);
      // The slug Grafana derives from the title is the uid, so /d/<uid>/<uid> links are stable.
      expect(slug(dashboard.title)).toBe(dashboard.uid);
    }
  });
});

describe("Grafana substitution in this test", () => {
  it("replaces variables as the browser does, then macros as the PostgreSQL data source does", () => {
    const variables = new Map([
      ["service", { values: ["o'shop"], isMulti: false }],
      ["environment", { values: ["prod", "staging"], isMulti: true }],
    ]);
    const text = "SELECT $__timeGroupAlias(evaluated_at, $__interval), count(*) FROM v WHERE $__timeFilter(evaluated_at) AND service = ${service:sqlstring} AND environment IN ($environment) AND started_at <= $__timeTo()";
    expect(interpolate(text, { ...range, interval: "5m", variables })).toBe(
      "SELECT floor(extract(epoch from evaluated_at)/300)*300 AS \"time\", count(*) FROM v WHERE evaluated_at BETWEEN '2026-05-01T09:00:00.000Z' AND '2026-05-01T15:00:00.000Z' AND service = 'o''shop' AND environment IN ('prod','staging') AND started_at <= '2026-05-01T15:00:00.000Z'",
    );
  });

  it("offers the service's environments, all selected, on the service dashboard", async () => {
    const service = dashboards.find(({ dashboard }) => dashboard.uid === "canary-gate-service")?.dashboard as GrafanaDashboard;
    const context = await resolveVariables(service);
    expect(context.variables.get("environment")).toEqual({ values: ["prod", "staging"], isMulti: true });
  });
});

describe.each(dashboards)("$file", ({ dashboard }) => {
  const variables = dashboard.templating.list;
  const panels = allPanels(dashboard).filter((panel) => panel.type !== "row");

  it("is a portable dashboard: no instance id, a current schema, a datasource variable for PostgreSQL", () => {
    expect(dashboard.id ?? null).toBeNull();
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(new Set(variables.map((v) => v.name)).size).toBe(variables.length);
    expect(variables.find((v) => v.name === "datasource")).toMatchObject({ type: "datasource", query: "grafana-postgresql-datasource" });
  });

  it("lays out panels with unique ids on the 24-column grid without overlaps", () => {
    expect(panels.length).toBeGreaterThan(0);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const { id, gridPos: g } of panels) {
      expect(Number.isInteger(id) && id > 0).toBe(true);
      expect(g.w > 0 && g.h > 0 && g.x >= 0 && g.y >= 0 && g.x + g.w <= 24, `panel ${id}`).toBe(true);
    }
    for (const a of panels)
      for (const b of panels) {
        const overlap = a.id < b.id && a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `panels ${a.id} and ${b.id} overlap`).toBe(false);
      }
  });

  it("reads every query through the datasource variable, as raw SQL", () => {
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual(POSTGRES);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expectSqlTarget(target, panel.title);
    }
    for (const variable of variables.filter((v) => v.type === "query")) {
      expect(variable.datasource, variable.name).toEqual(POSTGRES);
      expect(typeof variable.query).toBe("string");
    }
    for (const annotation of (dashboard.annotations?.list ?? []).filter((a) => !a.builtIn)) {
      expect(annotation.datasource, annotation.name).toEqual(POSTGRES);
      expectSqlTarget(annotation.target as GrafanaTarget, annotation.name);
    }
  });

  it("refers only to variables it defines or Grafana provides", () => {
    const defined = new Set(variables.map((v) => v.name));
    const unknown = variableReferences(allStrings(dashboard).join("\n")).filter((ref) => !defined.has(ref.name) && !GRAFANA_BUILT_INS.has(ref.name));
    expect(unknown).toEqual([]);
  });

  it("runs every query variable's SQL and every panel's and annotation's SQL against the views", async () => {
    const context = await resolveVariables(dashboard);
    for (const panel of panels)
      for (const target of panel.targets ?? []) {
        const result = await runQuery(target, context, `panel ${panel.id} "${panel.title}"`);
        expectPanelResult(panel, target, result);
      }
    for (const annotation of (dashboard.annotations?.list ?? []).filter((a) => !a.builtIn)) {
      const result = await runQuery(annotation.target as GrafanaTarget, context, `annotation ${annotation.name}`);
      expect(result.rows.length, annotation.name).toBeGreaterThan(0);
      expect(result.columns.map((c) => c.name)).toEqual(expect.arrayContaining(["time", "text"]));
    }
  });
});

function expectSqlTarget(target: GrafanaTarget, where: string) {
  expect(target.datasource, where).toEqual(POSTGRES);
  expect(target, where).toMatchObject({ rawQuery: true, editorMode: "code" });
  expect(["table", "time_series"], where).toContain(target.format);
  expect(target.rawSql?.trim(), where).toBeTruthy();
}

/** Values a user would pick: each query variable's options must hold the seeded value chosen. */
async function resolveVariables(dashboard: GrafanaDashboard): Promise<QueryContext> {
  const context: QueryContext = { ...range, variables: new Map() };
  const chosen: Record<string, string> = { service: "checkout", rollout: ids.halted as string };
  for (const variable of dashboard.templating.list) {
    if (variable.type === "datasource") continue;
    if (variable.type === "textbox") {
      context.variables.set(variable.name, { values: [chosen[variable.name] ?? String(variable.query)], isMulti: false });
      continue;
    }
    expect(variable.type, variable.name).toBe("query");
    const result = await runQuery({ refId: variable.name, rawSql: String(variable.query) }, context, `variable ${variable.name}`);
    expect(result.columns, variable.name).toHaveLength(1);
    const options = result.rows.map((row) => String(Object.values(row)[0]));
    const isMulti = Boolean(variable.multi || variable.includeAll);
    const current = [variable.current?.value ?? []].flat();
    const values = current.includes("$__all") ? options : [chosen[variable.name] as string];
    expect(options, variable.name).toEqual(expect.arrayContaining(values));
    context.variables.set(variable.name, { values, isMulti });
  }
  return context;
}

async function runQuery(target: GrafanaTarget, context: QueryContext, where: string): Promise<SqlResult> {
  const text = interpolate(target.rawSql ?? "", context);
  try {
    return await runSql(database.db, text);
  } catch (error) {
    throw new Error(`${where} failed: ${String(error)}\n${text}`, { cause: error });
  }
}

/** The shape each visualization needs from its query, and rows from the seeded data. */
function expectPanelResult(panel: GrafanaPanel, target: GrafanaTarget, result: SqlResult) {
  const where = `panel ${panel.id} "${panel.title}"`;
  const names = result.columns.map((c) => c.name);
  const numeric = result.columns.filter((c) => NUMERIC_TYPES.has(c.typeId) && c.name !== "time");
  expect(result.rows.length, `${where} returned no rows`).toBeGreaterThan(0);
  expect(new Set(names).size, `${where} has duplicate columns`).toBe(names.length);
  expect(names, where).toEqual(expect.arrayContaining([...linkedFields(panel), ...overriddenFields(panel)]));
  if (target.format === "time_series" || panel.type === "timeseries" || panel.type === "state-timeline") {
    const time = result.columns.find((c) => c.name === "time");
    expect(time && (TIME_TYPES.has(time.typeId) || NUMERIC_TYPES.has(time.typeId)), `${where} needs a time column`).toBe(true);
    const times = result.rows.map((row) => new Date(typeof row.time === "string" && /^\d+(\.\d+)?$/.test(row.time) ? Number(row.time) * 1000 : (row.time as string | number | Date)).getTime());
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= (times[i - 1] as number))), `${where} must be sorted by time`).toBe(true);
  }
  if (target.format === "time_series") {
    expect(numeric.length, `${where} needs a numeric value column`).toBeGreaterThan(0);
    const metric = result.columns.find((c) => c.name === "metric");
    if (metric) expect(NUMERIC_TYPES.has(metric.typeId), `${where}: metric names a series`).toBe(false);
  }
  if (panel.type === "stat") expect(numeric.length, `${where} needs a numeric column`).toBeGreaterThan(0);
  if (panel.type === "state-timeline") expect(names.length, `${where} needs a state column`).toBeGreaterThan(1);
}
