import { eq, sql, type SQL } from "drizzle-orm";
import { pgView, QueryBuilder, type AnyPgColumn } from "drizzle-orm/pg-core";
import { checkResults, evaluations } from "./evaluations.js";
import { rollouts } from "./rollouts.js";

// Read-only views for the Grafana dashboards in dashboards/: panel SQL reads these, never the tables,
// so a table change only has to keep the views' columns. Their names and columns are a contract with
// dashboards/*.json (test/db/dashboards.test.ts runs every panel's SQL against them).

// pgView's own builder knows no casing and would write camelCase names into a single-table view.
const qb = new QueryBuilder({ casing: "snake_case" });

type ColumnValue<C extends AnyPgColumn> = C["_"]["notNull"] extends true ? C["_"]["data"] : C["_"]["data"] | null;

/**
 * A column under another name, decoded as the column. Also how a joined table's columns enter a view:
 * selected bare, drizzle-orm 0.45 cannot query them back through the view.
 */
function aliased<C extends AnyPgColumn>(column: C, name: string): SQL.Aliased<ColumnValue<C>> {
  return sql<ColumnValue<C>>`${column}`.mapWith(column).as(name) as SQL.Aliased<ColumnValue<C>>;
}

/** One row per evaluation, with its rollout's identity. */
export const dashboardEvaluations = pgView("dashboard_evaluations").as(
  qb
    .select({
      evaluationId: aliased(evaluations.id, "evaluation_id"),
      rolloutId: evaluations.rolloutId,
      sequence: evaluations.sequence,
      gate: aliased(rollouts.gateName, "gate"),
      gateVersion: aliased(rollouts.gateVersion, "gate_version"),
      service: aliased(rollouts.service, "service"),
      environment: aliased(rollouts.environment, "environment"),
      version: aliased(rollouts.version, "version"),
      verdict: evaluations.verdict,
      final: aliased(evaluations.isFinal, "final"),
      reason: evaluations.reason,
      score: evaluations.score,
      evaluatedAt: evaluations.evaluatedAt,
      trigger: evaluations.trigger,
      durationMs: evaluations.durationMs,
      secondsSinceStart: sql<number>`extract(epoch from ${evaluations.evaluatedAt} - ${rollouts.startedAt})::double precision`.as("seconds_since_start"),
    })
    .from(evaluations)
    .innerJoin(rollouts, eq(rollouts.id, evaluations.rolloutId)),
);

/** One row per check result, with its evaluation's sequence and its rollout's identity. */
export const dashboardCheckResults = pgView("dashboard_check_results").as(
  qb
    .select({
      checkResultId: aliased(checkResults.id, "check_result_id"),
      evaluationId: checkResults.evaluationId,
      rolloutId: checkResults.rolloutId,
      sequence: aliased(evaluations.sequence, "sequence"),
      gate: aliased(rollouts.gateName, "gate"),
      service: aliased(rollouts.service, "service"),
      environment: aliased(rollouts.environment, "environment"),
      version: aliased(rollouts.version, "version"),
      checkName: checkResults.checkName,
      position: checkResults.position,
      result: checkResults.result,
      critical: checkResults.critical,
      kind: sql<string | null>`${checkResults.details} ->> 'kind'`.as("kind"),
      source: sql<string>`${checkResults.details} ->> 'source'`.as("source"),
      test: checkResults.test,
      pValue: checkResults.pValue,
      eValue: sql<number | null>`(${checkResults.details} ->> 'eValue')::double precision`.as("e_value"),
      estimate: checkResults.estimate,
      lower: checkResults.lower,
      upper: checkResults.upper,
      relativeChange: checkResults.relativeChange,
      evaluatedAt: checkResults.evaluatedAt,
    })
    .from(checkResults)
    .innerJoin(evaluations, eq(evaluations.id, checkResults.evaluationId))
    .innerJoin(rollouts, eq(rollouts.id, checkResults.rolloutId)),
);

/** One row per rollout: its current verdict, how long the verdict took, and where to investigate it. */
export const dashboardRollouts = pgView("dashboard_rollouts").as(
  qb
    .select({
      rolloutId: aliased(rollouts.id, "rollout_id"),
      service: rollouts.service,
      environment: rollouts.environment,
      gate: aliased(rollouts.gateName, "gate"),
      gateVersion: rollouts.gateVersion,
      version: rollouts.version,
      baselineVersion: rollouts.baselineVersion,
      verdict: rollouts.verdict,
      final: aliased(rollouts.isFinal, "final"),
      reason: rollouts.reason,
      score: rollouts.score,
      startedAt: rollouts.startedAt,
      createdAt: rollouts.createdAt,
      lastEvaluatedAt: aliased(rollouts.evaluatedAt, "last_evaluated_at"),
      finishedAt: rollouts.finishedAt,
      timeToVerdictSeconds: sql<number | null>`extract(epoch from ${rollouts.finishedAt} - ${rollouts.startedAt})::double precision`.as(
        "time_to_verdict_seconds",
      ),
      evaluationCount: rollouts.evaluationCount,
      investigationPath: sql<string>`'/rollouts/' || ${rollouts.id}`.as("investigation_path"),
    })
    .from(rollouts),
);
