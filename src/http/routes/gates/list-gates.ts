import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { listGates } from "../../../db/queries/gates.js";
import { GateSchema, toGate } from "./schemas.js";

const route = createRoute({
  method: "get",
  path: "/v1/gates",
  operationId: "listGates",
  tags: ["gates"],
  summary: "The latest version of every gate",
  responses: { 200: { description: "Gates by name", content: { "application/json": { schema: z.object({ gates: z.array(GateSchema) }) } } } },
});

export function registerListGates(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => c.json({ gates: (await listGates(deps.db)).map(toGate) }, 200));
}
