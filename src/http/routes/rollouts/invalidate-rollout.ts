import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { InvalidInput, RolloutNotFound } from "../../../analysis/errors.js";
import { invalidateEvaluation } from "../../../db/queries/evaluations.js";
import { findRollout, invalidateRollout } from "../../../db/queries/rollouts.js";
import { problemResponses } from "../../problem.js";
import { RolloutParams, RolloutSchema, toRollout } from "./schemas.js";

const InvalidateBody = z
  .strictObject({
    reason: z.string().min(1).max(1_000),
    evaluation: z.number().int().min(1).optional().openapi({ description: "The sequence number of one evaluation; absent: the whole rollout" }),
  })
  .openapi("Invalidate");

const route = createRoute({
  method: "post",
  path: "/v1/rollouts/{id}/invalidate",
  operationId: "invalidateRollout",
  tags: ["rollouts"],
  summary: "Mark a rollout, or one of its evaluations, as not to be used as history or baseline (Keptn's invalidation)",
  request: { params: RolloutParams, body: { required: true, content: { "application/json": { schema: InvalidateBody } } } },
  responses: { 200: { description: "The rollout", content: { "application/json": { schema: RolloutSchema } } }, ...problemResponses(400, 404) },
});

export function registerInvalidateRollout(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { reason, evaluation } = c.req.valid("json");
    const now = deps.now();
    if (evaluation !== undefined) {
      if (!(await findRollout(deps.db, { id }))) throw new RolloutNotFound(id);
      const row = await invalidateEvaluation(deps.db, { rolloutId: id, sequence: evaluation, reason, now });
      if (!row) throw new InvalidInput([{ path: "body.evaluation", message: `rollout ${id} has no evaluation ${evaluation}` }]);
      const rollout = await findRollout(deps.db, { id });
      if (!rollout) throw new RolloutNotFound(id);
      return c.json(toRollout(rollout, deps.config), 200);
    }
    const rollout = await invalidateRollout(deps.db, { id, reason, now });
    if (!rollout) throw new RolloutNotFound(id);
    return c.json(toRollout(rollout, deps.config), 200);
  });
}
