import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema>;
export type DbOrTx = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

/** Migrations ship beside the code: `drizzle/` at the package root, from src/ and from dist/ alike. */
export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Opens PostgreSQL when a URL is given, otherwise embedded PGlite (a real Postgres in WASM) in
 * `dataDir`, so the service runs on a bare machine with the same schema and queries.
 */
export async function openDatabase(options: { url?: string | undefined; dataDir: string; poolMax?: number }): Promise<DatabaseHandle> {
  if (options.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(options.url, {
      max: options.poolMax ?? 10,
      onnotice: () => undefined,
      // Fail fast while the server is down, so requests answer 503 rather than hang: connecting
      // gives up after 2 s, and reconnects wait at most 0.5 s (postgres-js's own backoff grows to 20 s).
      connect_timeout: 2,
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
      idle_timeout: 60,
    });
    const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as Database;
    return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = options.dataDir === "memory://" ? undefined : options.dataDir;
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzle(client, { schema, casing: "snake_case" }) as unknown as Database;
  return { db, kind: "pglite", close: () => client.close() };
}

/** Applies the committed drizzle-kit migrations. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  }
}

/** True when the database answers a trivial query. */
export async function isDatabaseReady(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** How many committed migrations the database has not applied yet (all of them on an empty database). */
export async function countPendingMigrations(handle: DatabaseHandle): Promise<number> {
  const { readMigrationFiles } = await import("drizzle-orm/migrator");
  const committed = readMigrationFiles({ migrationsFolder }).length;
  try {
    const result = await handle.db.execute(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ applied: number }>;
    return Math.max(0, committed - (rows[0]?.applied ?? 0));
  } catch {
    return committed;
  }
}
