import type { AppDeps, AppRouter } from "../../../app.js";
import { registerCreateToken } from "./create-token.js";
import { registerListTokens } from "./list-tokens.js";
import { registerRevokeToken } from "./revoke-token.js";

export function registerTokenRoutes(app: AppRouter, deps: AppDeps) {
  registerCreateToken(app, deps);
  registerListTokens(app, deps);
  registerRevokeToken(app, deps);
}
