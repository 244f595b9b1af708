import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { rollouts } from "./rollouts.js";

/** Every approval decision: who decided what, for which rule, when. */
export const approvals = pgTable(
  "approvals",
  {
    id: uuid().primaryKey().defaultRandom(),
    rolloutId: uuid()
      .notNull()
      .references(() => rollouts.id, { onDelete: "cascade" }),
    rule: text().notNull(),
    approver: text().notNull(),
    decision: text().$type<"approve" | "reject">().notNull(),
    comment: text(),
    decidedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [index("approvals_rollout_idx").on(table.rolloutId, table.decidedAt)],
);
