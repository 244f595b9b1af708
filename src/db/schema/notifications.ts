import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { rollouts } from "./rollouts.js";

/** Outgoing notifications, written with the evaluation that caused them and delivered in the background. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid().primaryKey().defaultRandom(),
    rolloutId: uuid()
      .notNull()
      .references(() => rollouts.id, { onDelete: "cascade" }),
    target: text().notNull(),
    event: text().$type<"halt" | "approval-requested" | "continue">().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text().$type<"pending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    lastError: text(),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull(),
    leaseUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    // Serves the deliverer's claim of due notifications.
    index("notifications_due_idx").on(table.status, table.nextAttemptAt),
    index("notifications_rollout_idx").on(table.rolloutId),
  ],
);
