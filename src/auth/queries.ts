import { and, desc, eq, gt, isNull, lte, or } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { announce, cachedRead, evictChanged, type NotifiedCacheOptions } from "../db/notified-cache.js";
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

/**
 * Tokens are looked up on every API request, so each process keeps the rows of tokens it has seen
 * (by hash; unknown secrets are not cached). A revocation reaches every replica's cache by NOTIFY
 * (see notified-cache.ts); expiry is checked by the caller on every use.
 */
export const TOKEN_CHANNEL = "canary_gate_token_changed";
const tokenCache: NotifiedCacheOptions<ApiTokenRow> = { channel: TOKEN_CHANNEL, ttlMs: 10_000, maxEntries: 10_000, concerns: (id, row) => row.id === id };

export function findApiTokenByHash(db: Database, params: { hash: string }): Promise<ApiTokenRow | undefined> {
  return cachedRead(db, tokenCache, params.hash, async () => {
    const [row] = await db.select().from(apiTokens).where(eq(apiTokens.hash, params.hash)).limit(1);
    return row;
  });
}

export async function findApiToken(db: Database, params: { id: string }): Promise<ApiTokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, params.id)).limit(1);
  return row;
}

export async function revokeApiToken(db: Database, params: { id: string; now: Date }): Promise<ApiTokenRow | undefined> {
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx.update(apiTokens).set({ revokedAt: params.now }).where(eq(apiTokens.id, params.id)).returning();
    if (updated) await announce(tx, TOKEN_CHANNEL, updated.id);
    return updated;
  });
  evictChanged(db, TOKEN_CHANNEL, params.id);
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
