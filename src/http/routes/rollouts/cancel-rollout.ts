import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutFinal, RolloutNotFound } from "../../../analysis/errors.js";
import { finishRollout } from "../../../db/queries/evaluations.js";
import { findRollout } from "../../../db/queries/rollouts.js";
import { problemResponses } from "../../problem.js";
import { RolloutParams, RolloutSchema, toRollout } from "./schemas.js";

const CancelBody = z.strictObject({ reason: z.string().min(1).max(500).optional() }).openapi("CancelRollout");

const route = createRoute({
  method: "post",
  path: "/v1/rollouts/{id}/cancel",
  operationId: "cancelRollout",
  tags: ["rollouts"],
  summary: "Stop analysing a rollout: it becomes final with a halt verdict",
  request: { params: RolloutParams, body: { required: false, content: { "application/json": { schema: CancelBody } } } },
  responses: { 200: { description: "The cancelled rollout", content: { "application/json": { schema: RolloutSchema } } }, ...problemResponses(400, 404, 409) },
});

export function registerCancelRollout(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json") ?? {};
    const rollout = await finishRollout(deps.db, { id, reason: `Cancelled: ${reason ?? "cancelled by request"}.`, now: deps.now() });
    if (rollout) return c.json(toRollout(rollout, deps.config), 200);
    const existing = await findRollout(deps.db, { id });
    if (!existing) throw new RolloutNotFound(id);
    throw new RolloutFinal(id, existing.verdict);
  });
}
