import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { problemResponses } from "../../problem.js";
import { GateParams } from "../gates/schemas.js";
import { identityFromQuery } from "./identity.js";
import { answerVerdict } from "./respond.js";
import { gateStatusResponses, RolloutIdentityQuery } from "./schemas.js";
import { startOrGetRollout } from "../../../evaluation/start-or-get-rollout.js";
import { gateStatus } from "./status-codes.js";

const route = createRoute({
  method: "get",
  path: "/v1/gates/{name}/gate",
  operationId: "gateStatusByQuery",
  tags: ["integrations"],
  summary: "Start-or-get by query parameters, answered as a status code: 200 continue, 409 halt, 423 pending",
  description: "Idempotent but not safe: the first GET of an identity starts its rollout. Labels are `labels.NAME=value` parameters. The body is the verdict JSON in every case.",
  request: { params: GateParams, query: RolloutIdentityQuery },
  responses: { ...gateStatusResponses(), ...problemResponses(400, 404) },
});

export function registerGateStatusByQuery(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const row = await startOrGetRollout(deps, identityFromQuery(c.req.valid("param").name, c.req.valid("query")));
    return answerVerdict(c, deps, row, gateStatus(row.verdict));
  });
}
