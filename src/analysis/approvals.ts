import { z } from "zod";

/** Who may decide: people by name, or groups (`group:sre`). */
export const ApprovalRule = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'"),
  approvers: z.array(z.string().min(1).max(200)).min(1, "a rule needs at least one approver"),
  minApprovals: z.number().int().min(1).max(100).default(1),
});
export type ApprovalRule = z.infer<typeof ApprovalRule>;

/** Manual approvals of a gate, as Azure release gates and CloudBees entry/exit gates combine them with checks. */
export const ApprovalPolicy = z
  .strictObject({
    /** `before`: approvals first, then checks (pre-deployment); `after`: checks first, then approvals. */
    order: z.enum(["before", "after"]).default("after"),
    /** `sequential`: each rule in turn; `parallel`: all rules at once. */
    mode: z.enum(["sequential", "parallel"]).default("sequential"),
    /** `always`: every rollout needs approval; `marginal`: only a marginal score or a condition's approval band asks. */
    when: z.enum(["always", "marginal"]).default("always"),
    /** `stop`: a rejection halts; `continue`: it is recorded and the rollout carries on with a known error. */
    onRejection: z.enum(["stop", "continue"]).default("stop"),
    rules: z.array(ApprovalRule).min(1).max(20),
  })
  .superRefine((policy, ctx) => {
    const names = new Set<string>();
    policy.rules.forEach((rule, index) => {
      if (names.has(rule.name)) ctx.addIssue({ code: "custom", path: ["rules", index, "name"], message: `rule "${rule.name}" is defined twice` });
      names.add(rule.name);
      if (rule.minApprovals > rule.approvers.length && !rule.approvers.some((approver) => approver.startsWith("group:"))) {
        ctx.addIssue({ code: "custom", path: ["rules", index, "minApprovals"], message: `needs ${rule.minApprovals} approvals but names ${rule.approvers.length} approver(s)` });
      }
    });
  });
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>;

/** One recorded decision. */
export interface ApprovalDecision {
  rule: string;
  approver: string;
  decision: "approve" | "reject";
  comment: string | null;
  decidedAt: string;
}

/** An authenticated person and the groups they belong to. */
export interface Approver {
  name: string;
  groups: string[];
}

export interface ApprovalStatus {
  state: "approved" | "rejected" | "waiting";
  /** Rules whose decisions are awaited now (the current one when sequential). */
  open: ApprovalRule[];
  approvals: number;
  required: number;
  /** `awaiting approval (1 of 2)` style text. */
  summary: string;
  rejection: ApprovalDecision | null;
}

/** May this person decide for this rule? By name, or by one of their groups. */
export function canApprove(rule: ApprovalRule, approver: Approver): boolean {
  return rule.approvers.some((entry) => entry === approver.name || (entry.startsWith("group:") && approver.groups.includes(entry.slice("group:".length))));
}

/**
 * Where the approvals stand: one rejection rejects; a rule is met when its distinct approvers reach
 * `minApprovals`; sequential rules open one at a time, parallel ones all at once.
 */
export function approvalStatus(policy: ApprovalPolicy, decisions: readonly ApprovalDecision[]): ApprovalStatus {
  const rejection = decisions.find((decision) => decision.decision === "reject") ?? null;
  const count = (rule: ApprovalRule) => new Set(decisions.filter((d) => d.rule === rule.name && d.decision === "approve").map((d) => d.approver)).size;
  const required = policy.rules.reduce((sum, rule) => sum + rule.minApprovals, 0);
  const approvals = policy.rules.reduce((sum, rule) => sum + Math.min(count(rule), rule.minApprovals), 0);
  // With onRejection continue, a rejected rule counts as decided: the rollout carries on with the rejection noted.
  const decided = (rule: ApprovalRule) => count(rule) >= rule.minApprovals || (policy.onRejection === "continue" && decisions.some((d) => d.rule === rule.name && d.decision === "reject"));
  const unmet = policy.rules.filter((rule) => !decided(rule));
  const open = policy.mode === "sequential" ? unmet.slice(0, 1) : unmet;
  if (rejection && policy.onRejection === "stop") {
    return { state: "rejected", open: [], approvals, required, rejection, summary: `rejected by ${rejection.approver} (${rejection.rule})${rejection.comment ? `: ${rejection.comment}` : ""}` };
  }
  if (unmet.length === 0) {
    const note = rejection ? `; rejected by ${rejection.approver} (${rejection.rule}) and carried on, as the gate says` : "";
    return { state: "approved", open: [], approvals, required, rejection, summary: `approved (${approvals} of ${required})${note}` };
  }
  const who = open.map((rule) => `${rule.name}: ${rule.approvers.join(", ")}`).join("; ");
  return { state: "waiting", open, approvals, required, rejection, summary: `awaiting approval (${approvals} of ${required}) from ${who}` };
}
