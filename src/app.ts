import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { apiAuth } from "./auth/api-auth.js";
import { createAuthenticator } from "./auth/authenticator.js";
import { createRateLimiter } from "./auth/rate-limiter.js";
import type { Principal } from "./auth/roles.js";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import type { EvaluationDeps } from "./evaluation/evaluate-rollout.js";
import type { ApproverDirectory } from "./http/approvers.js";
import { problem, toProblem, validationProblem } from "./http/problem.js";
import { requestContext } from "./http/request-context.js";
import { serverSpan } from "./http/telemetry-middleware.js";
import { registerAnalyze } from "./http/routes/analyze/analyze.js";
import { registerDocs } from "./http/routes/docs.js";
import { registerGateRoutes } from "./http/routes/gates/index.js";
import { registerPages } from "./http/pages/index.js";
import { registerHealth } from "./http/routes/health.js";
import { registerIntegrationRoutes } from "./http/routes/integrations/index.js";
import { registerRolloutRoutes } from "./http/routes/rollouts/index.js";
import { registerSourceRoutes } from "./http/routes/sources/index.js";
import { registerTokenRoutes } from "./http/routes/tokens/index.js";
import type { SourceRegistry } from "./sources/registry.js";
import type { Logger } from "./telemetry/logger.js";
import type { Meters } from "./telemetry/meters.js";

export interface AppDeps {
  config: Pick<Config, "publicUrl" | "grafanaUrl" | "auth">;
  db: Database;
  sources: SourceRegistry;
  logger: Logger;
  now: () => Date;
  evaluation: EvaluationDeps;
  meters: Meters;
  /** Who may approve rollouts, by bearer token (APPROVERS_FILE); nobody when unset. */
  approvers: ApproverDirectory;
  /** False while shutting down, so load balancers stop sending traffic. */
  isAcceptingWork: () => boolean;
}

/** `principal`: who called, when the route needed a token (unset with AUTH=off or on an open route). */
export type AppEnv = { Variables: { requestId: string; principal: Principal | undefined } };
export type AppRouter = OpenAPIHono<AppEnv>;

const MAX_BODY_BYTES = 1024 * 1024;
/** The API's answers are JSON for programs: no sniffing, no framing, no referrer. */
const API_SECURITY_HEADERS = [
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["content-security-policy", "frame-ancestors 'none'"],
  ["referrer-policy", "no-referrer"],
] as const;

/** Builds the HTTP application from its dependencies; tests call this with their own. */
export function createApp(deps: AppDeps): AppRouter {
  const app: AppRouter = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationProblem(c, result.error, result.target === "json" ? "body" : result.target);
      return undefined;
    },
  });
  app.use(serverSpan());
  app.use(requestContext(deps.logger));
  const auth = deps.config.auth;
  const documentHeaders = secureHeaders({ xFrameOptions: "DENY", referrerPolicy: "no-referrer", strictTransportSecurity: false, crossOriginEmbedderPolicy: false });
  app.use((c, next) => {
    if (!c.req.path.startsWith("/v1/")) return documentHeaders(c, next);
    // JSON answers need only these; set before the handler, so they cost nothing on the hot verdict path.
    for (const [name, value] of API_SECURITY_HEADERS) c.header(name, value);
    return next();
  });
  if (auth.corsOrigins.length) {
    const allowed = new Set(auth.corsOrigins);
    app.use(
      "/v1/*",
      cors({
        origin: (origin) => (allowed.has(origin) ? origin : null),
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        allowHeaders: ["authorization", "content-type", "x-request-id"],
        exposeHeaders: ["retry-after", "x-request-id"],
        maxAge: 600,
      }),
    );
  }
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => problem(c, { type: "/problems/payload-too-large", status: 413, detail: `request bodies are limited to ${MAX_BODY_BYTES} bytes` }),
  });
  // GET and HEAD carry no body; looking for one would make @hono/node-server build a full Request.
  app.use("/v1/*", (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));

  const authenticator = createAuthenticator({ db: deps.db, now: deps.now, auth, approvers: deps.approvers });
  app.use("/v1/*", apiAuth({ auth, authenticator, rateLimiter: createRateLimiter({ perMinute: auth.rateLimitPerMinute, now: deps.now }) }));

  registerHealth(app, deps);
  registerGateRoutes(app, deps);
  registerRolloutRoutes(app, deps);
  registerIntegrationRoutes(app, deps);
  registerAnalyze(app);
  registerTokenRoutes(app, deps);
  registerSourceRoutes(app, deps);
  registerPages(app, deps, { authenticator, isOpen: !auth.enabled || auth.publicPages });

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", description: "An API token (viewer, deployer, approver or admin)" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Canary Gate",
      version: "0.1.0",
      description: "Canary analysis as a post-deployment gate: deploy tools start a rollout and poll its verdict (pending, continue or halt).",
    },
    servers: [{ url: deps.config.publicUrl }],
    security: [{ bearerAuth: [] }],
  });
  registerDocs(app);

  app.notFound((c) => problem(c, { type: "/problems/not-found", status: 404, detail: `no route for ${c.req.method} ${c.req.path}` }));
  app.onError((error, c) => toProblem(c, error, deps.logger));
  return app;
}
