import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../app.js";
import { isDatabaseReady } from "../../db/client.js";

const Health = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string(), z.string()).optional() }).openapi("Health");

const liveness = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["health"],
  summary: "Liveness: the process is up",
  responses: { 200: { description: "Alive", content: { "application/json": { schema: Health } } } },
});

const readiness = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  tags: ["health"],
  summary: "Readiness: the database answers and the process accepts work",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: Health } } },
    503: { description: "Not ready", content: { "application/json": { schema: Health } } },
  },
});

export function registerHealth(app: AppRouter, deps: AppDeps) {
  app.openapi(liveness, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(readiness, async (c) => {
    const database = await isDatabaseReady(deps.db);
    const accepting = deps.isAcceptingWork();
    const checks = { database: database ? "ok" : "unreachable", process: accepting ? "ok" : "shutting down" };
    if (database && accepting) return c.json({ status: "ok" as const, checks }, 200);
    return c.json({ status: "unavailable" as const, checks }, 503);
  });
}
