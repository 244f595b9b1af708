import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase } from "../../src/db/client.js";

/** The server the PostgreSQL project runs against; CI machines have one on 127.0.0.1:5432. */
export const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
  }
}

/** Migrates one template database with the production migrator; each test file clones it. */
export default async function setup(project: TestProject) {
  const template = `cg_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin`select 1`;
  } catch (error) {
    throw new Error(`PostgreSQL tests need a server at ${adminUrl} (set TEST_DATABASE_URL, or run .ci/run to start one): ${String(error)}`);
  }
  await admin.unsafe(`drop database if exists ${template} with (force)`);
  await admin.unsafe(`create database ${template}`);
  const handle = await openDatabase({ url: withDatabase(adminUrl, template), dataDir: "", poolMax: 1 });
  await migrateDatabase(handle);
  await handle.close();
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("postgresTemplate", template);
  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
