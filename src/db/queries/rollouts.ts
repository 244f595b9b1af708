import { and, asc, desc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Verdict } from "../../analysis/types.js";
import type { Database, DbOrTx } from "../client.js";
import { rollouts } from "../schema/index.js";
import { preparedPerDatabase } from "./prepared.js";
import { cachedVerdict } from "./verdict-cache.js";

export type RolloutRow = typeof rollouts.$inferSelect;
export type NewRollout = typeof rollouts.$inferInsert;

const findRolloutStatement = preparedPerDatabase((db) => db.select().from(rollouts).where(eq(rollouts.id, sql.placeholder("id"))).limit(1).prepare("find_rollout"));

export async function findRollout(db: DbOrTx, params: { id: string }): Promise<RolloutRow | undefined> {
  // A transaction's statements run on its own connection, so they are built there.
  const [row] = db instanceof PgTransaction ? await db.select().from(rollouts).where(eq(rollouts.id, params.id)).limit(1) : await findRolloutStatement(db).execute({ id: params.id });
  return row;
}

/** What a verdict is made of: the columns of a rollout row that `toVerdict` reads, and no more. */
export type VerdictRow = Pick<RolloutRow, "id" | "verdict" | "isFinal" | "reason" | "score" | "evaluatedAt" | "nextEvaluationAt" | "latestChecks" | "phase" | "realVerdict">;

function prepareFindVerdict(db: Database) {
  return db
    .select({
      id: rollouts.id,
      verdict: rollouts.verdict,
      isFinal: rollouts.isFinal,
      reason: rollouts.reason,
      score: rollouts.score,
      evaluatedAt: rollouts.evaluatedAt,
      nextEvaluationAt: rollouts.nextEvaluationAt,
      latestChecks: rollouts.latestChecks,
      phase: rollouts.phase,
      realVerdict: rollouts.realVerdict,
    })
    .from(rollouts)
    .where(eq(rollouts.id, sql.placeholder("id")))
    .limit(1)
    .prepare("find_verdict");
}

const verdictStatements = new WeakMap<Database, ReturnType<typeof prepareFindVerdict>>();

/**
 * The verdict columns of one rollout: the read path deploy tools poll. Served from the process's
 * verdict cache (see verdict-cache.ts for its invalidation across replicas); on a miss, a statement
 * built once per database handle (drizzle's query building costs more CPU than the query itself) reads
 * only the columns a verdict shows, not the rollout's check states and policy state, which grow with it.
 */
export async function findVerdict(db: Database, params: { id: string }): Promise<VerdictRow | undefined> {
  return cachedVerdict(db, params.id, async () => {
    let statement = verdictStatements.get(db);
    if (!statement) {
      statement = prepareFindVerdict(db);
      verdictStatements.set(db, statement);
    }
    const [row] = await statement.execute({ id: params.id });
    return row;
  });
}

/** The rollout still open for this (gate, service, environment, version), if any. */
export async function findOpenRollout(
  db: DbOrTx,
  params: { gateName: string; service: string; environment: string; version: string },
): Promise<RolloutRow | undefined> {
  const [row] = await db.select().from(rollouts).where(and(sameIdentity(params), sql`NOT ${rollouts.isFinal}`)).limit(1);
  return row;
}

type Identity = { gateName: string; service: string; environment: string; version: string };

function sameIdentity(params: Identity): SQL | undefined {
  return and(eq(rollouts.gateName, params.gateName), eq(rollouts.service, params.service), eq(rollouts.environment, params.environment), eq(rollouts.version, params.version));
}

/** Inserts a rollout unless an open one with the same identity exists; returns which happened. */
export async function insertRollout(db: DbOrTx, values: NewRollout): Promise<{ rollout: RolloutRow; created: boolean }> {
  const [inserted] = await db.insert(rollouts).values(values).onConflictDoNothing().returning();
  if (inserted) return { rollout: inserted, created: true };
  const existing = await findOpenRollout(db, values);
  if (!existing) throw new Error("rollout insert conflicted but no open rollout was found");
  return { rollout: existing, created: false };
}

export interface RolloutFilter {
  service?: string | undefined;
  environment?: string | undefined;
  verdict?: Verdict | undefined;
  gate?: string | undefined;
  limit: number;
  before?: Date | undefined;
}

/** Rollouts newest first, filtered. */
export async function listRollouts(db: DbOrTx, filter: RolloutFilter): Promise<RolloutRow[]> {
  const conditions: SQL[] = [];
  if (filter.service) conditions.push(eq(rollouts.service, filter.service));
  if (filter.environment) conditions.push(eq(rollouts.environment, filter.environment));
  if (filter.verdict) conditions.push(eq(rollouts.verdict, filter.verdict));
  if (filter.gate) conditions.push(eq(rollouts.gateName, filter.gate));
  if (filter.before) conditions.push(lt(rollouts.createdAt, filter.before));
  return db
    .select()
    .from(rollouts)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(rollouts.createdAt), desc(rollouts.id))
    .limit(filter.limit);
}

/**
 * Claims up to `limit` due, unfinished rollouts for `owner` until `now + leaseMs`. Rows another
 * replica is claiming are skipped (FOR UPDATE SKIP LOCKED); an expired lease is up for grabs.
 */
export async function claimDueRollouts(
  db: DbOrTx,
  params: { owner: string; now: Date; leaseMs: number; limit: number },
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: rollouts.id })
      .from(rollouts)
      .where(
        and(
          sql`NOT ${rollouts.isFinal}`,
          lte(rollouts.nextEvaluationAt, params.now),
          or(isNull(rollouts.leaseUntil), lt(rollouts.leaseUntil, params.now)),
        ),
      )
      .orderBy(asc(rollouts.nextEvaluationAt))
      .limit(params.limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    const claimed = await tx
      .update(rollouts)
      .set({ leaseOwner: params.owner, leaseUntil: new Date(params.now.getTime() + params.leaseMs) })
      .where(inArray(rollouts.id, due.map((row) => row.id)))
      .returning({ id: rollouts.id });
    return claimed.map((row) => row.id);
  });
}

/** Gives back a lease without evaluating, e.g. when the process is shutting down. */
export async function releaseLease(db: DbOrTx, params: { id: string; owner: string }): Promise<void> {
  await db
    .update(rollouts)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(rollouts.id, params.id), eq(rollouts.leaseOwner, params.owner)));
}

/** How many rollouts are not yet final (a gauge for dashboards). */
export async function countOpenRollouts(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ open: sql<number>`count(*)::int` }).from(rollouts).where(sql`NOT ${rollouts.isFinal}`);
  return row?.open ?? 0;
}

/** Merges properties into an open rollout's; undefined when it does not exist. */
export async function mergeProperties(db: DbOrTx, params: { id: string; properties: Record<string, unknown> }): Promise<RolloutRow | undefined> {
  const [row] = await db
    .update(rollouts)
    .set({ properties: sql`${rollouts.properties} || ${JSON.stringify(params.properties)}::jsonb` })
    .where(eq(rollouts.id, params.id))
    .returning();
  return row;
}

/** Marks a rollout as not to be used as history or baseline (Keptn's invalidation). */
export async function invalidateRollout(db: DbOrTx, params: { id: string; reason: string; now: Date }): Promise<RolloutRow | undefined> {
  const [row] = await db.update(rollouts).set({ invalidatedAt: params.now, invalidationReason: params.reason }).where(eq(rollouts.id, params.id)).returning();
  return row;
}

/** The newest rollout, open or final, of this (gate, service, environment, version). */
export async function findLatestRollout(
  db: DbOrTx,
  params: { gateName: string; service: string; environment: string; version: string },
): Promise<RolloutRow | undefined> {
  const [row] = await db.select().from(rollouts).where(sameIdentity(params)).orderBy(desc(rollouts.createdAt), desc(rollouts.id)).limit(1);
  return row;
}
