import type { AppDeps, AppRouter } from "../../../app.js";
import { registerListSources } from "./list-sources.js";

export function registerSourceRoutes(app: AppRouter, deps: AppDeps) {
  registerListSources(app, deps);
}
