import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutNotFound } from "../../../analysis/errors.js";
import { listApprovals } from "../../../db/queries/approvals.js";
import { listEvaluations } from "../../../db/queries/evaluations.js";
import { listNotifications } from "../../../db/queries/notifications.js";
import { findRollout } from "../../../db/queries/rollouts.js";
import { problemResponses } from "../../problem.js";
import { RolloutDetailSchema, RolloutParams, toEvaluation, toRollout } from "./schemas.js";

const route = createRoute({
  method: "get",
  path: "/v1/rollouts/{id}",
  operationId: "getRollout",
  tags: ["rollouts"],
  summary: "A rollout's state with its evaluations (newest first) and every check result",
  request: { params: RolloutParams, query: z.strictObject({ evaluations: z.coerce.number().int().min(0).max(500).default(50) }) },
  responses: { 200: { description: "The rollout", content: { "application/json": { schema: RolloutDetailSchema } } }, ...problemResponses(400, 404) },
});

export function registerGetRollout(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const rollout = await findRollout(deps.db, { id });
    if (!rollout) throw new RolloutNotFound(id);
    const evaluations = await listEvaluations(deps.db, { rolloutId: id, limit: c.req.valid("query").evaluations });
    const approvals = await listApprovals(deps.db, { rolloutId: id });
    const notifications = (await listNotifications(deps.db, { rolloutId: id })).map((row) => ({
      target: row.target,
      event: row.event,
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    }));
    return c.json({ ...toRollout(rollout, deps.config), evaluations: evaluations.map(toEvaluation), approvals, notifications }, 200);
  });
}
