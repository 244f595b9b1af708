import type { AppDeps, AppRouter } from "../../app.js";

/** The investigation pages: `GET /rollouts` and `GET /rollouts/{id}` (server-rendered HTML). */
export function registerPages(_app: AppRouter, _deps: AppDeps) {}
