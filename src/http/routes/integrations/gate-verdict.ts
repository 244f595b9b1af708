import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { problemResponses } from "../../problem.js";
import { GateParams } from "../gates/schemas.js";
import { answerVerdict } from "./respond.js";
import { GateVerdictSchema, RolloutIdentityBody } from "./schemas.js";
import { startOrGetRollout } from "../../../evaluation/start-or-get-rollout.js";

const route = createRoute({
  method: "post",
  path: "/v1/gates/{name}/verdict",
  operationId: "gateVerdict",
  tags: ["integrations"],
  summary: "Start-or-get in one idempotent call: the verdict of the newest rollout of this gate, service, environment and version, started if there is none",
  description:
    "For pipelines that keep no rollout id (Argo Rollouts' web metric, Azure's Invoke REST API, Spinnaker's webhook stage). Always 200 with the verdict, halt included. " +
    "The first call's baselineVersion, startedAt and labels are kept; a final rollout keeps being answered (start a new one with POST /v1/rollouts to analyse the same version again).",
  request: { params: GateParams, body: { required: true, content: { "application/json": { schema: RolloutIdentityBody } } } },
  responses: { 200: { description: "The verdict", content: { "application/json": { schema: GateVerdictSchema } } }, ...problemResponses(400, 404, 413) },
});

export function registerGateVerdict(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const row = await startOrGetRollout(deps, { gate: c.req.valid("param").name, ...c.req.valid("json") });
    return answerVerdict(c, deps, row, 200);
  });
}
