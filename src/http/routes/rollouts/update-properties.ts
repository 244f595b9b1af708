import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutNotFound } from "../../../analysis/errors.js";
import { mergeProperties } from "../../../db/queries/rollouts.js";
import { problemResponses } from "../../problem.js";
import { Properties, RolloutParams, RolloutSchema, toRollout } from "./schemas.js";

const route = createRoute({
  method: "patch",
  path: "/v1/rollouts/{id}/properties",
  operationId: "updateRolloutProperties",
  tags: ["rollouts"],
  summary: "Attach properties to a rollout (e.g. a CI job's test pass rate), read by condition checks; merged into the existing ones",
  request: { params: RolloutParams, body: { required: true, content: { "application/json": { schema: Properties } } } },
  responses: { 200: { description: "The rollout with its properties", content: { "application/json": { schema: RolloutSchema } } }, ...problemResponses(400, 404) },
});

export function registerUpdateProperties(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const rollout = await mergeProperties(deps.db, { id, properties: c.req.valid("json") });
    if (!rollout) throw new RolloutNotFound(id);
    return c.json(toRollout(rollout, deps.config), 200);
  });
}
