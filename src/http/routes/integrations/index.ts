import type { AppDeps, AppRouter } from "../../../app.js";

/** Endpoints shaped for deploy tools that cannot use the plain API as it is (Flagger, status-code-only tools). */
export function registerIntegrationRoutes(_app: AppRouter, _deps: AppDeps) {}
