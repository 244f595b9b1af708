import { createRoute } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutNotFound } from "../../../analysis/errors.js";
import { findVerdict, type VerdictRow } from "../../../db/queries/rollouts.js";
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
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const rollout = await findVerdict(deps.db, { id });
    if (!rollout) throw new RolloutNotFound(id);
    c.header("cache-control", "no-store");
    deps.meters.verdictRequests.add(1, { verdict: rollout.verdict });
    // The JSON of the schema's shape, so typed as what c.json would give.
    return c.body(verdictJson(rollout), 200, { "content-type": "application/json" }) as unknown as TypedResponse<VerdictSchema, 200, "json">;
  });
}
