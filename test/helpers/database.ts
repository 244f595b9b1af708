import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { withDatabase } from "./postgres-setup.js";

export type TestDatabase = DatabaseHandle & { url?: string };

/**
 * A fresh, migrated database for one test file: a clone of the migrated template on PostgreSQL,
 * or an in-memory PGlite. Which one depends on the vitest project running the file.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DATABASE !== "postgres") {
    const handle = await openDatabase({ dataDir: "memory://" });
    await migrateDatabase(handle);
    return handle;
  }
  const adminUrl = inject("postgresAdminUrl");
  const template = inject("postgresTemplate");
  const name = `cg_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name} template ${template}`);
  const url = withDatabase(adminUrl, name);
  const handle = await openDatabase({ url, dataDir: "", poolMax: 5 });
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
