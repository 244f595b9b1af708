import { and, desc, eq, gt, isNull, lte, or } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { apiTokens, webSessions } from "../db/schema/index.js";
import type { Role } from "./roles.js";

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export async function insertApiToken(db: Database, params: { name: string; role: Role; groups: string[]; hash: string; now: Date; expiresAt: Date | null }): Promise<ApiTokenRow> {
  const [row] = await db
    .insert(apiTokens)
    .values({ name: params.name, role: params.role, groups: params.groups, hash: params.hash, createdAt: params.now, expiresAt: params.expiresAt })
    .returning();
  if (!row) throw new Error("insert into api_tokens returned no row");
  return row;
}

export async function listApiTokens(db: Database): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
}

export async function findApiTokenByHash(db: Database, params: { hash: string }): Promise<ApiTokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.hash, params.hash)).limit(1);
  return row;
}

export async function findApiToken(db: Database, params: { id: string }): Promise<ApiTokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, params.id)).limit(1);
  return row;
}

export async function revokeApiToken(db: Database, params: { id: string; now: Date }): Promise<ApiTokenRow | undefined> {
  const [row] = await db.update(apiTokens).set({ revokedAt: params.now }).where(eq(apiTokens.id, params.id)).returning();
  return row;
}

export async function touchApiToken(db: Database, params: { id: string; now: Date }): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: params.now }).where(eq(apiTokens.id, params.id));
}

export async function insertWebSession(db: Database, params: { hash: string; tokenId: string | null; name: string; role: Role; groups: string[]; now: Date; expiresAt: Date }): Promise<void> {
  await db.insert(webSessions).values({ hash: params.hash, tokenId: params.tokenId, name: params.name, role: params.role, groups: params.groups, createdAt: params.now, expiresAt: params.expiresAt });
}

export async function findWebSession(db: Database, params: { hash: string; now: Date }) {
  const [row] = await db
    .select()
    .from(webSessions)
    .where(and(eq(webSessions.hash, params.hash), gt(webSessions.expiresAt, params.now)))
    .limit(1);
  return row;
}

export async function deleteWebSession(db: Database, params: { hash: string }): Promise<void> {
  await db.delete(webSessions).where(eq(webSessions.hash, params.hash));
}

export async function deleteExpiredWebSessions(db: Database, params: { now: Date }): Promise<void> {
  await db.delete(webSessions).where(lte(webSessions.expiresAt, params.now));
}

/** Whether someone can still administer tokens without CANARY_GATE_ADMIN_TOKEN. */
export async function hasActiveAdminToken(db: Database, params: { now: Date }): Promise<boolean> {
  const rows = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.role, "admin"), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, params.now))))
    .limit(1);
  return rows.length > 0;
}
