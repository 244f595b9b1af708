import type { Context, MiddlewareHandler } from "hono";
import type { AuthConfig } from "../config.js";
import { problem } from "../http/problem.js";
import { requestHeader } from "../http/request-header.js";
import { accessFor } from "./access-policy.js";
import type { Authenticator } from "./authenticator.js";
import type { RateLimiter } from "./rate-limiter.js";
import { allows, type Principal } from "./roles.js";
import { bearerSecret } from "./secrets.js";

type Env = { Variables: { requestId: string; principal: Principal | undefined } };

/** Flagger's webhooks cannot send an Authorization header: they may carry the token as metadata.token. */
async function flaggerToken(c: Context): Promise<string | undefined> {
  if (c.req.method !== "POST" || !c.req.path.startsWith("/v1/flagger/")) return undefined;
  try {
    const body = (await c.req.json()) as { metadata?: { token?: unknown } } | null;
    const token = body?.metadata?.token;
    return typeof token === "string" && token.length >= 16 ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Every /v1 route needs a token with a sufficient role (Authorization: Bearer), then passes a per-token rate limit. */
export function apiAuth(deps: { auth: AuthConfig; authenticator: Authenticator; rateLimiter: RateLimiter }): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (!deps.auth.enabled || c.req.method === "OPTIONS") return next();
    const access = accessFor(c.req.method, c.req.path);
    const secret = bearerSecret(requestHeader(c, "authorization")) ?? (await flaggerToken(c));
    if (!secret) {
      if (access.isVerdictRead && deps.auth.publicVerdicts) return next();
      return problem(c, { type: "/problems/unauthenticated", status: 401, detail: "a bearer token is required (Authorization: Bearer <token>)" }, { "www-authenticate": 'Bearer realm="canary-gate"' });
    }
    const principal = await deps.authenticator.authenticate(secret);
    if (!principal) {
      return problem(c, { type: "/problems/unauthenticated", status: 401, detail: "the token is unknown, revoked or expired" }, { "www-authenticate": 'Bearer realm="canary-gate", error="invalid_token"' });
    }
    if (!allows(principal.role, access.role)) {
      return problem(c, { type: "/problems/forbidden", status: 403, detail: `this route needs a token with role ${access.role}; this token has role ${principal.role}` });
    }
    const wait = deps.rateLimiter.take(principal.key);
    if (wait > 0) {
      return problem(c, { type: "/problems/rate-limited", status: 429, detail: `at most ${deps.auth.rateLimitPerMinute} requests per minute per token; retry in ${wait}s` }, { "retry-after": String(wait) });
    }
    c.set("principal", principal);
    return next();
  };
}
