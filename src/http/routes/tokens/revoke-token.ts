import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { findApiToken, revokeApiToken } from "../../../auth/queries.js";
import { HTTPException } from "hono/http-exception";
import { problemResponses } from "../../problem.js";
import { TokenParams, TokenSchema, toToken } from "./schemas.js";

const route = createRoute({
  method: "delete",
  path: "/v1/tokens/{id}",
  operationId: "revokeToken",
  tags: ["tokens"],
  summary: "Revoke an API token (admin): from now on it answers 401; revoking twice keeps the first time",
  request: { params: TokenParams },
  responses: { 200: { description: "The revoked token", content: { "application/json": { schema: TokenSchema } } }, ...problemResponses(400, 401, 403, 404) },
});

export function registerRevokeToken(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const existing = await findApiToken(deps.db, { id });
    if (!existing) throw new HTTPException(404, { message: `there is no API token with id ${id}` });
    const row = existing.revokedAt ? existing : await revokeApiToken(deps.db, { id, now: deps.now() });
    return c.json(toToken(row ?? existing), 200);
  });
}
