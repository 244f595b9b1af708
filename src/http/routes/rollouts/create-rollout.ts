import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { startRollout } from "../../../evaluation/start-rollout.js";
import { problemResponses } from "../../problem.js";
import { CreateRolloutBody, RolloutSchema, toRollout } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/v1/rollouts",
  operationId: "createRollout",
  tags: ["rollouts"],
  summary: "Start analysing a rollout, or get the open one with the same gate, service, environment and version",
  request: { body: { required: true, content: { "application/json": { schema: CreateRolloutBody } } } },
  responses: {
    200: { description: "An open rollout with this identity already exists; it is returned unchanged", content: { "application/json": { schema: RolloutSchema } } },
    201: { description: "The rollout was created", content: { "application/json": { schema: RolloutSchema } } },
    ...problemResponses(400, 404, 413),
  },
});

export function registerCreateRollout(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { rollout, created } = await startRollout(deps, c.req.valid("json"));
    const body = toRollout(rollout, deps.config);
    c.header("location", body.verdictUrl.replace(/\/verdict$/, ""));
    return c.json(body, created ? 201 : 200);
  });
}
