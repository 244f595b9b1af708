import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutNotFound } from "../../../analysis/errors.js";
import { findRollout } from "../../../db/queries/rollouts.js";
import { problemResponses } from "../../problem.js";
import { RolloutParams } from "../rollouts/schemas.js";
import { answerVerdict } from "./respond.js";
import { gateStatusResponses } from "./schemas.js";
import { gateStatus } from "./status-codes.js";

const route = createRoute({
  method: "get",
  path: "/v1/rollouts/{id}/gate",
  operationId: "rolloutGate",
  tags: ["integrations"],
  summary: "The verdict as a status code, for tools that read only the status: 200 continue, 409 halt, 423 pending",
  description: "The body is the verdict JSON in every case. Served without re-evaluating.",
  request: { params: RolloutParams },
  responses: { ...gateStatusResponses(), ...problemResponses(400, 404) },
});

export function registerRolloutGate(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const row = await findRollout(deps.db, { id });
    if (!row) throw new RolloutNotFound(id);
    return answerVerdict(c, deps, row, gateStatus(row.verdict));
  });
}
