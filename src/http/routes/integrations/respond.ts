import type { Context } from "hono";
import type { AppDeps } from "../../../app.js";
import type { RolloutRow } from "../../../db/queries/rollouts.js";
import { retryAfterSeconds } from "./status-codes.js";
import { toGateVerdict } from "./schemas.js";

/** Answers with the verdict JSON under `status`; never cached, with the rollout's place and when to ask again. */
export function answerVerdict<S extends 200 | 409 | 412 | 423>(c: Context, deps: AppDeps, row: RolloutRow, status: S) {
  const body = toGateVerdict(row, deps.config);
  c.header("cache-control", "no-store");
  c.header("location", body.verdictUrl);
  if (status === 423 && !row.isFinal) c.header("retry-after", String(retryAfterSeconds(row.nextEvaluationAt, deps.now())));
  deps.meters.verdictRequests.add(1, { verdict: row.verdict });
  return c.json(body, status);
}
