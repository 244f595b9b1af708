import { loadConfig } from "./config.js";
import { migrateDatabase, openDatabase } from "./db/client.js";

/** `npm run migrate`: applies the committed migrations to DATABASE_URL (or the PGlite data directory). */
const config = loadConfig(process.env);
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 1 });
try {
  await migrateDatabase(database);
  process.stdout.write(`migrations applied to ${database.kind === "postgres" ? "PostgreSQL" : `PGlite in ${config.dataDir}`}\n`);
} finally {
  await database.close();
}
