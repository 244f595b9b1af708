import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { listApiTokens } from "../../../auth/queries.js";
import { problemResponses } from "../../problem.js";
import { TokenSchema, toToken } from "./schemas.js";

const route = createRoute({
  method: "get",
  path: "/v1/tokens",
  operationId: "listTokens",
  tags: ["tokens"],
  summary: "Every API token (admin), newest first, without secrets or hashes",
  responses: { 200: { description: "Tokens", content: { "application/json": { schema: z.object({ tokens: z.array(TokenSchema) }) } } }, ...problemResponses(401, 403) },
});

export function registerListTokens(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => c.json({ tokens: (await listApiTokens(deps.db)).map(toToken) }, 200));
}
