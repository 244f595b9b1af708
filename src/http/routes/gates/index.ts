import type { AppDeps, AppRouter } from "../../../app.js";
import { registerGetGate } from "./get-gate.js";
import { registerListGates } from "./list-gates.js";
import { registerPutGate } from "./put-gate.js";

export function registerGateRoutes(app: AppRouter, deps: AppDeps) {
  registerListGates(app, deps);
  registerGetGate(app, deps);
  registerPutGate(app, deps);
}
