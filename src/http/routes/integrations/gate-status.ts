import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { problemResponses } from "../../problem.js";
import { GateParams } from "../gates/schemas.js";
import { answerVerdict } from "./respond.js";
import { gateStatusResponses, RolloutIdentityBody } from "./schemas.js";
import { startOrGetRollout } from "../../../evaluation/start-or-get-rollout.js";
import { gateStatus } from "./status-codes.js";

const route = createRoute({
  method: "post",
  path: "/v1/gates/{name}/gate",
  operationId: "gateStatus",
  tags: ["integrations"],
  summary: "Start-or-get by identity, answered as a status code: 200 continue, 409 halt, 423 pending",
  description: "The same start-or-get as POST /v1/gates/{name}/verdict, for `curl -f` loops and status-code-only tools. The body is the verdict JSON in every case.",
  request: { params: GateParams, body: { required: true, content: { "application/json": { schema: RolloutIdentityBody } } } },
  responses: { ...gateStatusResponses(), ...problemResponses(400, 404, 413) },
});

export function registerGateStatus(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const row = await startOrGetRollout(deps, { gate: c.req.valid("param").name, ...c.req.valid("json") });
    return answerVerdict(c, deps, row, gateStatus(row.verdict));
  });
}
