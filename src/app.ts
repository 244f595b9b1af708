import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
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
import type { SourceRegistry } from "./sources/registry.js";
import type { Logger } from "./telemetry/logger.js";
import type { Meters } from "./telemetry/meters.js";

export interface AppDeps {
  config: Pick<Config, "publicUrl" | "grafanaUrl">;
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

export type AppEnv = { Variables: { requestId: string } };
export type AppRouter = OpenAPIHono<AppEnv>;

const MAX_BODY_BYTES = 1024 * 1024;

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
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problem(c, { type: "/problems/payload-too-large", status: 413, detail: `request bodies are limited to ${MAX_BODY_BYTES} bytes` }),
    }),
  );

  registerHealth(app, deps);
  registerGateRoutes(app, deps);
  registerRolloutRoutes(app, deps);
  registerIntegrationRoutes(app, deps);
  registerAnalyze(app);
  registerPages(app, deps);

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Canary Gate",
      version: "0.1.0",
      description: "Canary analysis as a post-deployment gate: deploy tools start a rollout and poll its verdict (pending, continue or halt).",
    },
    servers: [{ url: deps.config.publicUrl }],
  });
  registerDocs(app);

  app.notFound((c) => problem(c, { type: "/problems/not-found", status: 404, detail: `no route for ${c.req.method} ${c.req.path}` }));
  app.onError((error, c) => toProblem(c, error, deps.logger));
  return app;
}
