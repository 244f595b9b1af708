import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { listRollouts } from "../../../db/queries/rollouts.js";
import { problemResponses } from "../../problem.js";
import { ListRolloutsQuery, RolloutSchema, toRollout } from "./schemas.js";

const route = createRoute({
  method: "get",
  path: "/v1/rollouts",
  operationId: "listRollouts",
  tags: ["rollouts"],
  summary: "Rollouts, newest first, filtered by service, environment, gate or verdict",
  request: { query: ListRolloutsQuery },
  responses: {
    200: {
      description: "A page of rollouts; `next` is the `before` value of the following page",
      content: { "application/json": { schema: z.object({ rollouts: z.array(RolloutSchema), next: z.string().nullable() }) } },
    },
    ...problemResponses(400),
  },
});

export function registerListRollouts(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const rows = await listRollouts(deps.db, { ...query, before: query.before ? new Date(query.before) : undefined });
    const last = rows.at(-1);
    return c.json({ rollouts: rows.map((row) => toRollout(row, deps.config)), next: rows.length === query.limit && last ? last.createdAt.toISOString() : null }, 200);
  });
}
