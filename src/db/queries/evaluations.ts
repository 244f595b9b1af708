import { asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { summarizeCheck, type CheckResult } from "../../analysis/check-result.js";
import type { CheckState } from "../../analysis/judge-sequential.js";
import type { PolicyState } from "../../analysis/policy.js";
import type { Verdict } from "../../analysis/types.js";
import type { Database, DbOrTx } from "../client.js";
import { checkResults, evaluations, notifications, rollouts } from "../schema/index.js";
import type { RolloutRow } from "./rollouts.js";
import { evictVerdict, rolloutChanged } from "./verdict-cache.js";

export type EvaluationRow = typeof evaluations.$inferSelect;
export type CheckResultRow = typeof checkResults.$inferSelect;

export interface EvaluationRecord {
  rolloutId: string;
  evaluatedAt: Date;
  verdict: Verdict;
  isFinal: boolean;
  reason: string;
  score: number | null;
  trigger: "scheduler" | "request";
  durationMs: number;
  results: CheckResult[];
  policyState: PolicyState;
  checkStates: Record<string, CheckState>;
  nextEvaluationAt: Date;
  /** A dry-run gate's real verdict when it differs from the one deploy tools see. */
  realVerdict?: Verdict | null;
  /** Notifications this evaluation causes; an approval request is sent once per target. */
  notifications?: Array<{ target: string; event: "halt" | "approval-requested" | "continue"; payload: Record<string, unknown>; nextAttemptAt: Date }>;
  /** For scheduler runs: the lease owner; the write is dropped if the lease was lost meanwhile. */
  leaseOwner?: string;
}

/**
 * Stores one evaluation, its check results and the rollout's new state in one transaction.
 * Returns undefined (and writes nothing) when the rollout became final, or its lease moved to
 * another replica, while the evaluation ran.
 */
export async function recordEvaluation(db: Database, record: EvaluationRecord): Promise<RolloutRow | undefined> {
  const updated = await writeEvaluation(db, record);
  if (updated) evictVerdict(db, record.rolloutId);
  return updated;
}

async function writeEvaluation(db: Database, record: EvaluationRecord): Promise<RolloutRow | undefined> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ isFinal: rollouts.isFinal, leaseOwner: rollouts.leaseOwner, evaluationCount: rollouts.evaluationCount })
      .from(rollouts)
      .where(eq(rollouts.id, record.rolloutId))
      .for("update");
    if (!current || current.isFinal) return undefined;
    if (record.leaseOwner !== undefined && current.leaseOwner !== record.leaseOwner) return undefined;
    const sequence = current.evaluationCount + 1;
    await tx.execute(insertEvaluation(record, sequence));
    const [updated] = await tx
      .update(rollouts)
      .set({
        verdict: record.verdict,
        isFinal: record.isFinal,
        reason: record.reason,
        score: record.score,
        evaluationCount: sequence,
        evaluatedAt: record.evaluatedAt,
        nextEvaluationAt: record.nextEvaluationAt,
        finishedAt: record.isFinal ? record.evaluatedAt : null,
        policyState: record.policyState,
        latestChecks: record.results.map(summarizeCheck),
        checkStates: record.checkStates,
        realVerdict: record.realVerdict ?? null,
        realReason: record.realVerdict ? record.reason : null,
        leaseOwner: null,
        leaseUntil: null,
      })
      .where(eq(rollouts.id, record.rolloutId))
      .returning();
    if (updated) await rolloutChanged(tx, record.rolloutId);
    for (const notification of record.notifications ?? []) {
      if (notification.event === "approval-requested") {
        const [sent] = await tx
          .select({ id: notifications.id })
          .from(notifications)
          .where(sql`${notifications.rolloutId} = ${record.rolloutId} AND ${notifications.target} = ${notification.target} AND ${notifications.event} = 'approval-requested'`)
          .limit(1);
        if (sent) continue;
      }
      await tx.insert(notifications).values({ rolloutId: record.rolloutId, ...notification });
    }
    return updated;
  });
}

/**
 * The evaluation row and its check results in one statement, the results as one JSON parameter: a
 * parameter per result and column made the query builder and the driver allocate several objects for
 * each of them, and a round trip more, on every evaluation.
 */
function insertEvaluation(record: EvaluationRecord, sequence: number): SQL {
  const results = record.results.map((result, position) => ({
    check_name: result.name,
    position,
    result: result.result,
    critical: result.critical,
    summary: result.summary,
    test: result.details.test,
    p_value: finiteOrNull(result.details.pValue),
    estimate: finiteOrNull(result.details.interval?.estimate),
    lower: finiteOrNull(result.details.interval?.lower),
    upper: finiteOrNull(result.details.interval?.upper),
    relative_change: finiteOrNull(result.details.relativeChange),
    details: result.details,
  }));
  const evaluatedAt = record.evaluatedAt.toISOString();
  return sql`
    with evaluation as (
      insert into ${evaluations} (rollout_id, sequence, evaluated_at, verdict, is_final, reason, score, trigger, duration_ms, real_verdict)
      values (${record.rolloutId}::uuid, ${sequence}::integer, ${evaluatedAt}::timestamptz, ${record.verdict}::text, ${record.isFinal}::boolean, ${record.reason}::text,
              ${record.score}::double precision, ${record.trigger}::text, ${Math.round(record.durationMs)}::integer, ${record.realVerdict ?? null}::text)
      returning id
    )
    insert into ${checkResults} (evaluation_id, rollout_id, check_name, position, result, critical, summary, test, p_value, estimate, lower, upper, relative_change, details, evaluated_at)
    select evaluation.id, ${record.rolloutId}::uuid, r.check_name, r.position, r.result, r.critical, r.summary, r.test, r.p_value, r.estimate, r.lower, r.upper, r.relative_change, r.details, ${evaluatedAt}::timestamptz
    from evaluation, jsonb_to_recordset(${JSON.stringify(results)}::jsonb) as r(
      check_name text, position integer, result text, critical boolean, summary text, test text, p_value double precision,
      estimate double precision, lower double precision, upper double precision, relative_change double precision, details jsonb)`;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

/** Marks an open rollout final with a halt verdict; undefined when it was already final. */
export async function finishRollout(
  db: DbOrTx,
  params: { id: string; reason: string; now: Date },
): Promise<RolloutRow | undefined> {
  const [row] = await db
    .update(rollouts)
    .set({ verdict: "halt", isFinal: true, reason: params.reason, finishedAt: params.now, leaseOwner: null, leaseUntil: null })
    .where(sql`${rollouts.id} = ${params.id} AND NOT ${rollouts.isFinal}`)
    .returning();
  if (row) {
    await rolloutChanged(db, params.id);
    evictVerdict(db, params.id);
  }
  return row;
}

/** A rollout's evaluations, newest first, with their check results in gate order. */
export async function listEvaluations(
  db: DbOrTx,
  params: { rolloutId: string; limit: number },
): Promise<Array<EvaluationRow & { checks: CheckResultRow[] }>> {
  const rows = await db
    .select()
    .from(evaluations)
    .where(eq(evaluations.rolloutId, params.rolloutId))
    .orderBy(desc(evaluations.sequence))
    .limit(params.limit);
  if (rows.length === 0) return [];
  const checks = await db
    .select()
    .from(checkResults)
    .where(inArray(checkResults.evaluationId, rows.map((row) => row.id)))
    .orderBy(asc(checkResults.position));
  return rows.map((row) => ({ ...row, checks: checks.filter((check) => check.evaluationId === row.id) }));
}

/** Marks one evaluation of a rollout as invalid; undefined when the rollout has no such evaluation. */
export async function invalidateEvaluation(db: DbOrTx, params: { rolloutId: string; sequence: number; reason: string; now: Date }): Promise<EvaluationRow | undefined> {
  const [row] = await db
    .update(evaluations)
    .set({ invalidatedAt: params.now, invalidationReason: params.reason })
    .where(sql`${evaluations.rolloutId} = ${params.rolloutId} AND ${evaluations.sequence} = ${params.sequence}`)
    .returning();
  return row;
}
