import { createHash } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { GateDefinition } from "../../analysis/gate.js";
import type { Database, DbOrTx } from "../client.js";
import { gates } from "../schema/index.js";
import { preparedPerDatabase } from "./prepared.js";

export type GateRow = typeof gates.$inferSelect;

/** JSON with sorted keys, so equal definitions hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function digestGate(definition: GateDefinition): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}

const findGateVersionStatement = preparedPerDatabase((db) =>
  db
    .select()
    .from(gates)
    .where(and(eq(gates.name, sql.placeholder("name")), eq(gates.version, sql.placeholder("version"))))
    .limit(1)
    .prepare("find_gate_version"),
);

/** The given version of a gate, or its latest version. */
export async function findGate(db: DbOrTx, params: { name: string; version?: number }): Promise<GateRow | undefined> {
  if (params.version !== undefined && !(db instanceof PgTransaction)) {
    const [row] = await findGateVersionStatement(db).execute({ name: params.name, version: params.version });
    return row;
  }
  const where = params.version === undefined ? eq(gates.name, params.name) : and(eq(gates.name, params.name), eq(gates.version, params.version));
  const [row] = await db.select().from(gates).where(where).orderBy(desc(gates.version)).limit(1);
  return row;
}

/** The latest version of every gate, by name. */
export async function listGates(db: DbOrTx): Promise<GateRow[]> {
  return db
    .selectDistinctOn([gates.name])
    .from(gates)
    .orderBy(gates.name, desc(gates.version));
}

/**
 * Stores a gate definition as a new version unless it equals the latest one. Serialised per gate
 * name with an advisory lock, so concurrent writers get consecutive versions.
 */
export async function saveGate(
  db: Database,
  params: { name: string; definition: GateDefinition; origin: string },
): Promise<{ gate: GateRow; created: boolean }> {
  const digest = digestGate(params.definition);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`gate:${params.name}`}))`);
    const latest = await findGate(tx, { name: params.name });
    if (latest && latest.digest === digest) return { gate: latest, created: false };
    const [gate] = await tx
      .insert(gates)
      .values({ name: params.name, version: (latest?.version ?? 0) + 1, definition: params.definition, digest, origin: params.origin })
      .returning();
    if (!gate) throw new Error("gate insert returned no row");
    return { gate, created: true };
  });
}
