import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutNotFound } from "../../../analysis/errors.js";
import { findVerdict, type VerdictRow } from "../../../db/queries/rollouts.js";
import { problemResponses, validationProblem } from "../../problem.js";
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
  // Rows come from the verdict cache and are shared by every poll until they change: serialize each once.
  const serialized = new WeakMap<VerdictRow, string>();
  const verdictJson = (row: VerdictRow) => {
    let json = serialized.get(row);
    if (json === undefined) {
      json = JSON.stringify(toVerdict(row, deps.config));
      serialized.set(row, json);
    }
    return json;
  };
  // The hot path of every deploy tool's poll: documented from `route`, but registered as a plain GET that
  // checks its one parameter itself, as Hono's generic validator reads Content-Type first (on
  // @hono/node-server that builds a Headers copy of the request's headers, on every poll).
  app.openAPIRegistry.registerPath(route);
  app.get("/v1/rollouts/:id/verdict", async (c) => {
    const params = RolloutParams.safeParse({ id: c.req.param("id") });
    if (!params.success) return validationProblem(c, params.error, "param");
    const { id } = params.data;
    const rollout = await findVerdict(deps.db, { id });
    if (!rollout) throw new RolloutNotFound(id);
    c.header("cache-control", "no-store");
    deps.meters.verdictRequests.add(1, { verdict: rollout.verdict });
    return c.body(verdictJson(rollout), 200, { "content-type": "application/json" });
  });
}
