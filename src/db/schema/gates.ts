import { integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import type { GateDefinition } from "../../analysis/gate.js";

/** Every version of every gate; a rollout pins the version it started with. */
export const gates = pgTable(
  "gates",
  {
    name: text().notNull(),
    version: integer().notNull(),
    definition: jsonb().$type<GateDefinition>().notNull(),
    /** SHA-256 of the canonical definition, so re-applying an unchanged gate creates no version. */
    digest: text().notNull(),
    origin: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.name, table.version] })],
);
