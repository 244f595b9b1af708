import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { GateNotFound } from "../../../analysis/errors.js";
import { findGate } from "../../../db/queries/gates.js";
import { problemResponses } from "../../problem.js";
import { GateParams, GateSchema, GateVersionQuery, toGate } from "./schemas.js";

const route = createRoute({
  method: "get",
  path: "/v1/gates/{name}",
  operationId: "getGate",
  tags: ["gates"],
  summary: "A gate's latest version, or the version asked for",
  request: { params: GateParams, query: GateVersionQuery },
  responses: { 200: { description: "The gate", content: { "application/json": { schema: GateSchema } } }, ...problemResponses(400, 404) },
});

export function registerGetGate(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { name } = c.req.valid("param");
    const { version } = c.req.valid("query");
    const gate = await findGate(deps.db, { name, ...(version === undefined ? {} : { version }) });
    if (!gate) throw new GateNotFound(name, version);
    return c.json(toGate(gate), 200);
  });
}
