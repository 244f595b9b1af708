import type { AppDeps, AppRouter } from "../../../app.js";
import { registerCancelRollout } from "./cancel-rollout.js";
import { registerCreateRollout } from "./create-rollout.js";
import { registerDecideApproval } from "./decide-approval.js";
import { registerInvalidateRollout } from "./invalidate-rollout.js";
import { registerUpdateProperties } from "./update-properties.js";
import { registerEvaluateRollout } from "./evaluate-rollout.js";
import { registerGetRollout } from "./get-rollout.js";
import { registerGetVerdict } from "./get-verdict.js";
import { registerListRollouts } from "./list-rollouts.js";

export function registerRolloutRoutes(app: AppRouter, deps: AppDeps) {
  registerCreateRollout(app, deps);
  registerListRollouts(app, deps);
  registerGetRollout(app, deps);
  registerGetVerdict(app, deps);
  registerEvaluateRollout(app, deps);
  registerCancelRollout(app, deps);
  registerDecideApproval(app, deps);
  registerUpdateProperties(app, deps);
  registerInvalidateRollout(app, deps);
}
