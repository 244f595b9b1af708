import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** API tokens: only the SHA-256 hash of each secret is stored; the secret is shown once, on creation. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    role: text().$type<"viewer" | "deployer" | "approver" | "admin">().notNull(),
    /** For approver tokens: the groups approval rules may name. */
    groups: jsonb().$type<string[]>().notNull().default([]),
    hash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (table) => [uniqueIndex("api_tokens_hash_idx").on(table.hash)],
);

/** Browser sessions of the investigation pages, created by signing in with a token; only the id's hash is stored. */
export const webSessions = pgTable(
  "web_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    hash: text().notNull(),
    /** The API token signed in with; null for the bootstrap admin token or an APPROVERS_FILE approver. */
    tokenId: uuid().references(() => apiTokens.id, { onDelete: "cascade" }),
    name: text().notNull(),
    role: text().$type<"viewer" | "deployer" | "approver" | "admin">().notNull(),
    groups: jsonb().$type<string[]>().notNull().default([]),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex("web_sessions_hash_idx").on(table.hash)],
);
