import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { problemResponses } from "../../problem.js";
import { GateParams } from "../gates/schemas.js";
import { identityFromQuery } from "./identity.js";
import { answerVerdict } from "./respond.js";
import { GateVerdictSchema, RolloutIdentityQuery } from "./schemas.js";
import { startOrGetRollout } from "../../../evaluation/start-or-get-rollout.js";

const route = createRoute({
  method: "get",
  path: "/v1/gates/{name}/verdict",
  operationId: "gateVerdictByQuery",
  tags: ["integrations"],
  summary: "The same start-or-get as POST, with the identity in query parameters, for tools that only GET",
  description:
    "Idempotent but not safe: the first GET of an identity starts its rollout, every later one reads it (never cached). Labels are `labels.NAME=value` parameters. Always 200 with the verdict.",
  request: { params: GateParams, query: RolloutIdentityQuery },
  responses: { 200: { description: "The verdict", content: { "application/json": { schema: GateVerdictSchema } } }, ...problemResponses(400, 404) },
});

export function registerGateVerdictByQuery(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const row = await startOrGetRollout(deps, identityFromQuery(c.req.valid("param").name, c.req.valid("query")));
    return answerVerdict(c, deps, row, 200);
  });
}
