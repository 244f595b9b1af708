import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutNotFound } from "../../../analysis/errors.js";
import { findVerdict } from "../../../db/queries/rollouts.js";
import { problemResponses } from "../../problem.js";
import { RolloutParams, VerdictSchema, toVerdict } from "./schemas.js";

const route = createRoute({
  method: "get",
  path: "/v1/rollouts/{id}/verdict",
  operationId: "getVerdict",
  tags: ["rollouts"],
  summary: "The rollout's current verdict for deploy tools to poll: always 200 for a known rollout, halt included",
  request: { params: RolloutParams },
  responses: { 200: { description: "The verdict", content: { "application/json": { schema: VerdictSchema } } }, ...problemResponses(400, 404) },
});

export function registerGetVerdict(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const rollout = await findVerdict(deps.db, { id });
    if (!rollout) throw new RolloutNotFound(id);
    c.header("cache-control", "no-store");
    deps.meters.verdictRequests.add(1, { verdict: rollout.verdict });
    return c.json(toVerdict(rollout, deps.config), 200);
  });
}
