import type { AppDeps, AppRouter } from "../../../app.js";
import { registerFlaggerWebhook } from "./flagger-webhook.js";
import { registerGateStatus } from "./gate-status.js";
import { registerGateStatusByQuery } from "./gate-status-by-query.js";
import { registerGateVerdict } from "./gate-verdict.js";
import { registerGateVerdictByQuery } from "./gate-verdict-by-query.js";
import { registerRolloutGate } from "./rollout-gate.js";

/** Endpoints shaped for deploy tools that cannot use the plain API as it is (Flagger, status-code-only tools). */
export function registerIntegrationRoutes(app: AppRouter, deps: AppDeps) {
  registerGateVerdict(app, deps);
  registerGateVerdictByQuery(app, deps);
  registerGateStatus(app, deps);
  registerGateStatusByQuery(app, deps);
  registerRolloutGate(app, deps);
  registerFlaggerWebhook(app, deps);
}
