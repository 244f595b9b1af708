import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, doublePrecision, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { CheckSummary } from "../../analysis/check-result.js";
import type { CheckState } from "../../analysis/judge-sequential.js";
import type { PolicyState } from "../../analysis/policy.js";

export const rollouts = pgTable(
  "rollouts",
  {
    id: uuid().primaryKey().defaultRandom(),
    gateName: text().notNull(),
    gateVersion: integer().notNull(),
    service: text().notNull(),
    environment: text().notNull(),
    version: text().notNull(),
    baselineVersion: text(),
    labels: jsonb().$type<Record<string, string>>().notNull().default({}),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    verdict: text().$type<"pending" | "continue" | "halt">().notNull().default("pending"),
    isFinal: boolean().notNull().default(false),
    reason: text().notNull(),
    score: doublePrecision(),
    evaluationCount: integer().notNull().default(0),
    evaluatedAt: timestamp({ withTimezone: true }),
    nextEvaluationAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }),
    policyState: jsonb().$type<PolicyState>().notNull(),
    // The latest evaluation's checks, so a verdict is served from this one row.
    latestChecks: jsonb().$type<CheckSummary[]>().notNull().default([]),
    // Sequential checks' running state by check name, so each evaluation reads only new data.
    checkStates: jsonb().$type<Record<string, CheckState>>().notNull().default({}),
    /** Facts a pipeline attaches (test pass rate, coverage, change ticket), read by condition checks. */
    properties: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    phase: text().$type<"entry" | "exit">().notNull().default("exit"),
    /** A dry-run gate's real outcome, when it differs from the verdict deploy tools see. */
    realVerdict: text().$type<"pending" | "continue" | "halt">(),
    realReason: text(),
    invalidatedAt: timestamp({ withTimezone: true }),
    invalidationReason: text(),
    leaseOwner: text(),
    leaseUntil: timestamp({ withTimezone: true }),
  },
  (table) => [
    // Serves the scheduler's claim: due, unfinished rollouts in order of due time.
    index("rollouts_due_idx").on(table.nextEvaluationAt).where(sql`NOT ${table.isFinal}`),
    // One open rollout per (gate, service, environment, version): makes creation idempotent.
    uniqueIndex("rollouts_open_identity_idx")
      .on(table.gateName, table.service, table.environment, table.version)
      .where(sql`NOT ${table.isFinal}`),
    // Serves start-or-get by identity (the newest rollout of a gate, service, environment and version).
    index("rollouts_identity_idx").on(table.gateName, table.service, table.environment, table.version, table.createdAt),
    // Serves listing by service and environment, newest first.
    index("rollouts_service_idx").on(table.service, table.environment, table.createdAt),
  ],
);
