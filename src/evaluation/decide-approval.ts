import { approvalStatus, canApprove, type Approver } from "../analysis/approvals.js";
import { Forbidden, NoApprovalRequested, RolloutNotFound } from "../analysis/errors.js";
import type { Database } from "../db/client.js";
import { insertApproval, listApprovals } from "../db/queries/approvals.js";
import { findGate } from "../db/queries/gates.js";
import { findRollout, type RolloutRow } from "../db/queries/rollouts.js";
import { evaluateRollout, type EvaluationDeps } from "./evaluate-rollout.js";

/**
 * Records an approver's decision for the rule that is open to them, then evaluates the rollout so the
 * verdict reflects it. Refuses (and stores nothing) when no approval is awaited, the person is not an
 * approver of an open rule, or has decided for it already.
 */
export async function decideApproval(
  deps: { db: Database; now: () => Date; evaluation: EvaluationDeps },
  input: { id: string; approver: Approver; decision: "approve" | "reject"; comment: string | null },
): Promise<{ summary: string; rollout: RolloutRow }> {
  const rollout = await findRollout(deps.db, { id: input.id });
  if (!rollout) throw new RolloutNotFound(input.id);
  if (rollout.isFinal) throw new NoApprovalRequested(input.id, `its verdict is final (${rollout.verdict})`);
  const gate = await findGate(deps.db, { name: rollout.gateName, version: rollout.gateVersion });
  const policy = gate?.definition.approvals;
  if (!policy) throw new NoApprovalRequested(input.id, `gate ${rollout.gateName} has no approval rules`);
  const decisions = await listApprovals(deps.db, { rolloutId: input.id });
  const status = approvalStatus(policy, decisions);
  if (status.state !== "waiting") throw new NoApprovalRequested(input.id, status.summary);
  const rule = status.open.find((open) => canApprove(open, input.approver));
  if (!rule) throw new Forbidden(`${input.approver.name} is not an approver of ${status.open.map((open) => open.name).join(" or ")}`);
  if (decisions.some((decision) => decision.rule === rule.name && decision.approver === input.approver.name)) {
    throw new Forbidden(`${input.approver.name} has already decided for ${rule.name}`);
  }
  await insertApproval(deps.db, { rolloutId: input.id, rule: rule.name, approver: input.approver.name, decision: input.decision, comment: input.comment, decidedAt: deps.now() });
  const after = approvalStatus(policy, await listApprovals(deps.db, { rolloutId: input.id }));
  const outcome = await evaluateRollout(deps.evaluation, { id: input.id, trigger: "request" });
  return { summary: after.summary, rollout: outcome?.rollout ?? rollout };
}
