import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { GateInvalid } from "../../../analysis/errors.js";
import { saveGate } from "../../../db/queries/gates.js";
import { validateGate } from "../../../gates/parse-gate.js";
import { problemResponses } from "../../problem.js";
import { GateBody, GateParams, GateSchema, toGate } from "./schemas.js";

const route = createRoute({
  method: "put",
  path: "/v1/gates/{name}",
  operationId: "putGate",
  tags: ["gates"],
  summary: "Create or update a gate; a changed definition becomes a new version",
  request: { params: GateParams, body: { required: true, content: { "application/json": { schema: GateBody } } } },
  responses: {
    200: { description: "The definition equals the latest version; nothing changed", content: { "application/json": { schema: GateSchema } } },
    201: { description: "A new version was stored", content: { "application/json": { schema: GateSchema } } },
    ...problemResponses(400, 413),
  },
});

export function registerPutGate(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { name } = c.req.valid("param");
    const result = validateGate(c.req.valid("json"), deps.sources.describe());
    if (!result.ok) throw new GateInvalid(result.issues.map((issue) => ({ ...issue, path: issue.path ? `body.${issue.path}` : "body" })));
    const { gate, created } = await saveGate(deps.db, { name, definition: result.gate, origin: "api" });
    return c.json(toGate(gate), created ? 201 : 200);
  });
}
