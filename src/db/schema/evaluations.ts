import { boolean, index, integer, jsonb, pgTable, doublePrecision, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { CheckDetails } from "../../analysis/check-result.js";
import { rollouts } from "./rollouts.js";

export const evaluations = pgTable(
  "evaluations",
  {
    id: uuid().primaryKey().defaultRandom(),
    rolloutId: uuid()
      .notNull()
      .references(() => rollouts.id, { onDelete: "cascade" }),
    sequence: integer().notNull(),
    evaluatedAt: timestamp({ withTimezone: true }).notNull(),
    verdict: text().$type<"pending" | "continue" | "halt">().notNull(),
    isFinal: boolean().notNull(),
    reason: text().notNull(),
    score: doublePrecision(),
    trigger: text().$type<"scheduler" | "request">().notNull(),
    durationMs: integer().notNull(),
    realVerdict: text().$type<"pending" | "continue" | "halt">(),
    invalidatedAt: timestamp({ withTimezone: true }),
    invalidationReason: text(),
  },
  (table) => [uniqueIndex("evaluations_rollout_sequence_idx").on(table.rolloutId, table.sequence)],
);

export const checkResults = pgTable(
  "check_results",
  {
    id: uuid().primaryKey().defaultRandom(),
    evaluationId: uuid()
      .notNull()
      .references(() => evaluations.id, { onDelete: "cascade" }),
    rolloutId: uuid()
      .notNull()
      .references(() => rollouts.id, { onDelete: "cascade" }),
    checkName: text().notNull(),
    position: integer().notNull(),
    result: text().$type<"pass" | "fail" | "inconclusive" | "nodata" | "error">().notNull(),
    critical: boolean().notNull(),
    summary: text().notNull(),
    test: text(),
    pValue: doublePrecision(),
    estimate: doublePrecision(),
    lower: doublePrecision(),
    upper: doublePrecision(),
    relativeChange: doublePrecision(),
    details: jsonb().$type<CheckDetails>().notNull(),
    evaluatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [
    index("check_results_evaluation_idx").on(table.evaluationId),
    // Serves per-rollout check history (investigation page, dashboards).
    index("check_results_rollout_idx").on(table.rolloutId, table.evaluatedAt),
  ],
);
