import { approvalStatus, type ApprovalDecision, type ApprovalPolicy, type ApprovalStatus } from "./approvals.js";
import type { PolicyDecision } from "./policy.js";
import type { GateScore } from "./scoring.js";

export interface ApprovalOverlayInput {
  decision: PolicyDecision;
  approvals: ApprovalPolicy | undefined;
  decisions: readonly ApprovalDecision[];
  score: GateScore | null;
}

/**
 * Puts people after the checks (Azure's "after" order, CloudBees' automated-plus-manual): when every
 * check passes, when a condition check lands in its approval band, or when the score is marginal,
 * the gate asks its approvers instead of deciding. Returns the status when approval is in play.
 */
export function applyApprovals(input: ApprovalOverlayInput): { decision: PolicyDecision; approval: ApprovalStatus | null } {
  const { decision, approvals } = input;
  if (!approvals || approvals.order !== "after") return { decision, approval: null };
  const enforced = decision.results.filter((result) => !result.dryRun);
  const hasCriticalFailure = enforced.some((result) => result.critical && result.result === "fail");
  const conditionBand = enforced.some((result) => result.needsApproval) && enforced.every((result) => result.result === "pass" || result.needsApproval);
  const marginal = input.score?.classification === "marginal" && !hasCriticalFailure && enforced.every((result) => result.result === "pass" || result.result === "fail");
  const allPass = decision.verdict === "continue" && approvals.when === "always";
  if (!allPass && !conditionBand && !marginal) return { decision, approval: null };
  const status = approvalStatus(approvals, input.decisions);
  const why = allPass ? decision.reason : conditionBand ? enforced.filter((result) => result.needsApproval).map((result) => result.summary).join(" ") : `Score ${input.score?.score} is marginal.`;
  if (status.state === "approved") return { decision: { ...decision, verdict: "continue", isFinal: true, reason: `${why} Approved: ${status.summary}.` }, approval: status };
  if (status.state === "rejected") return { decision: { ...decision, verdict: "halt", isFinal: true, reason: `${why} Rejected: ${status.summary}.` }, approval: status };
  return { decision: { ...decision, verdict: "pending", isFinal: false, reason: `${why} Pending: ${status.summary}.` }, approval: status };
}

/** Approvals first (Azure's default for pre-deployment): no check runs until the approvers agree. */
export function approvalsBeforeChecks(approvals: ApprovalPolicy | undefined, decisions: readonly ApprovalDecision[]): ApprovalStatus | null {
  if (!approvals || approvals.order !== "before") return null;
  const status = approvalStatus(approvals, decisions);
  return status.state === "approved" ? null : status;
}

/**
 * A dry-run gate (Datadog's dry run): deploy tools never see `halt`; the real outcome is kept for the
 * record, the dashboards and the investigation page.
 */
export function applyGateDryRun(decision: PolicyDecision, dryRun: boolean): { decision: PolicyDecision; realVerdict: PolicyDecision["verdict"] | null } {
  if (!dryRun || decision.verdict !== "halt") return { decision, realVerdict: null };
  return { decision: { ...decision, verdict: "continue", isFinal: true, reason: `Dry run: the gate would halt. ${decision.reason}` }, realVerdict: "halt" };
}
