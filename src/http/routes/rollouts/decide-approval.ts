import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { approvalStatus, canApprove } from "../../../analysis/approvals.js";
import { Forbidden, NoApprovalRequested, RolloutNotFound, Unauthenticated } from "../../../analysis/errors.js";
import { insertApproval, listApprovals } from "../../../db/queries/approvals.js";
import { findGate } from "../../../db/queries/gates.js";
import { findRollout } from "../../../db/queries/rollouts.js";
import { evaluateRollout } from "../../../evaluation/evaluate-rollout.js";
import { problemResponses } from "../../problem.js";
import { RolloutParams, VerdictSchema, toVerdict } from "./schemas.js";

const ApprovalBody = z
  .strictObject({ decision: z.enum(["approve", "reject"]), comment: z.string().max(2_000).optional() })
  .openapi("ApprovalDecision");

const route = createRoute({
  method: "post",
  path: "/v1/rollouts/{id}/approvals",
  operationId: "decideApproval",
  tags: ["approvals"],
  summary: "Approve or reject a rollout awaiting approval, as an approver of the open rule (Authorization: Bearer <approver token>)",
  request: { params: RolloutParams, body: { required: true, content: { "application/json": { schema: ApprovalBody } } } },
  responses: {
    201: { description: "The decision was recorded; the verdict after it", content: { "application/json": { schema: z.object({ approval: z.string(), verdict: VerdictSchema }) } } },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

export function registerDecideApproval(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const approver = deps.approvers.authenticate(c.req.header("authorization"));
    if (!approver) throw new Unauthenticated("an approver's bearer token is required");
    const body = c.req.valid("json");
    const rollout = await findRollout(deps.db, { id });
    if (!rollout) throw new RolloutNotFound(id);
    if (rollout.isFinal) throw new NoApprovalRequested(id, `its verdict is final (${rollout.verdict})`);
    const gate = await findGate(deps.db, { name: rollout.gateName, version: rollout.gateVersion });
    const policy = gate?.definition.approvals;
    if (!policy) throw new NoApprovalRequested(id, `gate ${rollout.gateName} has no approval rules`);
    const decisions = await listApprovals(deps.db, { rolloutId: id });
    const status = approvalStatus(policy, decisions);
    if (status.state !== "waiting") throw new NoApprovalRequested(id, status.summary);
    const rule = status.open.find((open) => canApprove(open, approver));
    if (!rule) throw new Forbidden(`${approver.name} is not an approver of ${status.open.map((open) => open.name).join(" or ")}`);
    if (decisions.some((decision) => decision.rule === rule.name && decision.approver === approver.name)) {
      throw new Forbidden(`${approver.name} has already decided for ${rule.name}`);
    }
    await insertApproval(deps.db, { rolloutId: id, rule: rule.name, approver: approver.name, decision: body.decision, comment: body.comment ?? null, decidedAt: deps.now() });
    const after = approvalStatus(policy, await listApprovals(deps.db, { rolloutId: id }));
    const outcome = await evaluateRollout(deps.evaluation, { id, trigger: "request" });
    const current = outcome?.rollout ?? rollout;
    return c.json({ approval: after.summary, verdict: toVerdict(current, deps.config) }, 201);
  });
}
