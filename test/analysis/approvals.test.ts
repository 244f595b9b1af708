import { describe, expect, it } from "vitest";
import { ApprovalPolicy, approvalStatus, canApprove, type ApprovalDecision } from "../../src/analysis/approvals.js";
import type { CheckResult } from "../../src/analysis/check-result.js";
import { applyApprovals, applyGateDryRun, approvalsBeforeChecks } from "../../src/analysis/gate-overlays.js";
import { initialPolicyState, type PolicyDecision } from "../../src/analysis/policy.js";

const policy = ApprovalPolicy.parse({ rules: [{ name: "sre", approvers: ["group:sre"], minApprovals: 2 }, { name: "release", approvers: ["bob"] }] });
const decision = (rule: string, approver: string, kind: "approve" | "reject" = "approve"): ApprovalDecision => ({ rule, approver, decision: kind, comment: null, decidedAt: "2026-01-01T00:00:00Z" });

function policyDecision(verdict: PolicyDecision["verdict"], results: Array<Partial<CheckResult>> = []): PolicyDecision {
  const full = results.map((result, index) => ({ name: `c${index}`, result: "pass", critical: false, weight: 1, summary: `c${index}`, details: {} as CheckResult["details"], ...result }) as CheckResult);
  return { verdict, isFinal: verdict !== "pending", reason: "All checks pass.", state: initialPolicyState, results: full, retrySooner: false };
}

describe("approvalStatus", () => {
  it("walks sequential rules in order, counting distinct approvers up to each rule's minimum", () => {
    expect(approvalStatus(policy, [])).toMatchObject({ state: "waiting", approvals: 0, required: 3, summary: "awaiting approval (0 of 3) from sre: group:sre" });
    expect(approvalStatus(policy, [decision("sre", "alice"), decision("sre", "alice")])).toMatchObject({ state: "waiting", approvals: 1 });
    const twoSre = [decision("sre", "alice"), decision("sre", "carol")];
    expect(approvalStatus(policy, twoSre)).toMatchObject({ state: "waiting", approvals: 2, summary: "awaiting approval (2 of 3) from release: bob" });
    expect(approvalStatus(policy, [...twoSre, decision("release", "bob")])).toMatchObject({ state: "approved", summary: "approved (3 of 3)" });
  });

  it("rejects on one rejection, or carries on with onRejection continue", () => {
    const rejected = approvalStatus(policy, [decision("sre", "alice", "reject")]);
    expect(rejected).toMatchObject({ state: "rejected", summary: "rejected by alice (sre)" });
    const carryOn = ApprovalPolicy.parse({ ...policy, onRejection: "continue" });
    expect(approvalStatus(carryOn, [decision("sre", "alice", "reject"), decision("release", "bob")])).toMatchObject({ state: "approved" });
  });

  it("opens every rule at once in parallel mode", () => {
    const parallel = ApprovalPolicy.parse({ ...policy, mode: "parallel" });
    expect(approvalStatus(parallel, []).open.map((rule) => rule.name)).toEqual(["sre", "release"]);
  });

  it("knows approvers by name or group, and validates rules", () => {
    expect(canApprove(policy.rules[0]!, { name: "x", groups: ["sre"] })).toBe(true);
    expect(canApprove(policy.rules[1]!, { name: "bob", groups: [] })).toBe(true);
    expect(canApprove(policy.rules[1]!, { name: "alice", groups: ["sre"] })).toBe(false);
    expect(ApprovalPolicy.safeParse({ rules: [{ name: "r", approvers: ["bob"], minApprovals: 2 }] }).success).toBe(false);
    expect(ApprovalPolicy.safeParse({ rules: [{ name: "r", approvers: ["a"] }, { name: "r", approvers: ["b"] }] }).success).toBe(false);
  });
});

describe("gate overlays", () => {
  it("after the checks: a continue waits for approvals; approvals before the checks hold them", () => {
    const waiting = applyApprovals({ decision: policyDecision("continue"), approvals: policy, decisions: [], score: null });
    expect(waiting.decision).toMatchObject({ verdict: "pending", isFinal: false });
    expect(waiting.decision.reason).toBe("All checks pass. Pending: awaiting approval (0 of 3) from sre: group:sre.");
    const halted = applyApprovals({ decision: policyDecision("halt"), approvals: policy, decisions: [], score: { score: 0, classification: "fail" } });
    expect(halted.decision.verdict).toBe("halt");
    expect(approvalsBeforeChecks(ApprovalPolicy.parse({ ...policy, order: "before" }), [])).toMatchObject({ state: "waiting" });
    expect(approvalsBeforeChecks(policy, [])).toBeNull();
  });

  it("asks instead of deciding for a marginal score or a condition's approval band", () => {
    const marginal = ApprovalPolicy.parse({ ...policy, when: "marginal" });
    const failingNonCritical = policyDecision("halt", [{ result: "pass" }, { result: "pass" }, { result: "pass" }, { result: "pass" }, { result: "fail" }]);
    const asked = applyApprovals({ decision: failingNonCritical, approvals: marginal, decisions: [], score: { score: 80, classification: "marginal" } });
    expect(asked.decision).toMatchObject({ verdict: "pending" });
    expect(asked.decision.reason).toMatch(/^Score 80 is marginal\. Pending: awaiting approval/);
    expect(applyApprovals({ decision: policyDecision("continue"), approvals: marginal, decisions: [], score: { score: 100, classification: "pass" } }).approval).toBeNull();
    const band = policyDecision("pending", [{ result: "pass" }, { result: "inconclusive", needsApproval: true, summary: "tests: in the band" }]);
    expect(applyApprovals({ decision: band, approvals: marginal, decisions: [], score: null }).decision.reason).toBe("tests: in the band Pending: awaiting approval (0 of 3) from sre: group:sre.");
  });

  it("a dry-run gate turns a halt into continue and keeps the real verdict", () => {
    expect(applyGateDryRun(policyDecision("halt"), true)).toMatchObject({ realVerdict: "halt", decision: { verdict: "continue", isFinal: true } });
    expect(applyGateDryRun(policyDecision("halt"), false)).toMatchObject({ realVerdict: null, decision: { verdict: "halt" } });
    expect(applyGateDryRun(policyDecision("pending"), true)).toMatchObject({ realVerdict: null, decision: { verdict: "pending" } });
  });
});
