import { createRoute, z } from "@hono/zod-openapi";
import { parseDuration } from "../../../analysis/duration.js";
import type { AppDeps, AppRouter } from "../../../app.js";
import { insertApiToken } from "../../../auth/queries.js";
import { generateSecret, hashSecret } from "../../../auth/secrets.js";
import { problemResponses } from "../../problem.js";
import { CreateTokenBody, TokenSchema, toToken } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/v1/tokens",
  operationId: "createToken",
  tags: ["tokens"],
  summary: "Create an API token (admin): the secret is in this answer only; only its SHA-256 hash is stored",
  request: { body: { required: true, content: { "application/json": { schema: CreateTokenBody } } } },
  responses: {
    201: { description: "The token, with its secret shown once", content: { "application/json": { schema: TokenSchema.extend({ token: z.string() }) } } },
    ...problemResponses(400, 401, 403),
  },
});

export function registerCreateToken(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const secret = generateSecret();
    const now = deps.now();
    const expiresIn = body.expiresIn === undefined ? undefined : parseDuration(body.expiresIn);
    const row = await insertApiToken(deps.db, {
      name: body.name,
      role: body.role,
      groups: body.groups ?? [],
      hash: hashSecret(secret),
      now,
      expiresAt: expiresIn === undefined ? null : new Date(now.getTime() + expiresIn),
    });
    c.header("cache-control", "no-store");
    return c.json({ ...toToken(row), token: secret }, 201);
  });
}
