import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { Unauthenticated } from "../../../analysis/errors.js";
import { decideApproval } from "../../../evaluation/decide-approval.js";
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
    // With auth on, the middleware has checked the token (API token or APPROVERS_FILE); with AUTH=off, the directory.
    const principal = c.get("principal");
    const approver = principal ? { name: principal.name, groups: principal.groups } : deps.approvers.authenticate(c.req.header("authorization"));
    if (!approver) throw new Unauthenticated("an approver's bearer token is required");
    const body = c.req.valid("json");
    const decided = await decideApproval(deps, { id, approver, decision: body.decision, comment: body.comment ?? null });
    return c.json({ approval: decided.summary, verdict: toVerdict(decided.rollout, deps.config) }, 201);
  });
}
