import { asc, eq } from "drizzle-orm";
import type { ApprovalDecision } from "../../analysis/approvals.js";
import type { DbOrTx } from "../client.js";
import { approvals } from "../schema/index.js";

/** A rollout's approval decisions, oldest first. */
export async function listApprovals(db: DbOrTx, params: { rolloutId: string }): Promise<ApprovalDecision[]> {
  const rows = await db.select().from(approvals).where(eq(approvals.rolloutId, params.rolloutId)).orderBy(asc(approvals.decidedAt));
  return rows.map((row) => ({ rule: row.rule, approver: row.approver, decision: row.decision, comment: row.comment, decidedAt: row.decidedAt.toISOString() }));
}

export async function insertApproval(db: DbOrTx, params: { rolloutId: string } & Omit<ApprovalDecision, "decidedAt"> & { decidedAt: Date }): Promise<void> {
  await db.insert(approvals).values(params);
}
