import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutNotFound } from "../../../analysis/errors.js";
import { evaluateRollout } from "../../../evaluation/evaluate-rollout.js";
import { problemResponses } from "../../problem.js";
import { RolloutParams, VerdictSchema, toVerdict } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/v1/rollouts/{id}/evaluate",
  operationId: "evaluateRollout",
  tags: ["rollouts"],
  summary: "Evaluate the rollout now and return the new verdict (a final rollout is returned as it is)",
  request: { params: RolloutParams },
  responses: { 200: { description: "The verdict after the evaluation", content: { "application/json": { schema: VerdictSchema } } }, ...problemResponses(400, 404) },
});

export function registerEvaluateRollout(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const outcome = await evaluateRollout(deps.evaluation, { id, trigger: "request" });
    if (!outcome) throw new RolloutNotFound(id);
    return c.json(toVerdict(outcome.rollout, deps.config), 200);
  });
}
