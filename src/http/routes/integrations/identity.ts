import type { z } from "@hono/zod-openapi";
import { CreateRolloutBody } from "../rollouts/schemas.js";
import type { StartRolloutInput } from "../../../evaluation/start-rollout.js";
import { RolloutInvalid } from "../../../analysis/errors.js";
import type { RolloutIdentityQuery } from "./schemas.js";

/** Turns `labels.NAME=value` query parameters into the labels a rollout takes, validated as in a body. */
export function identityFromQuery(gate: string, query: z.infer<typeof RolloutIdentityQuery>): StartRolloutInput {
  const { service, environment, version, baselineVersion, startedAt, ...rest } = query;
  const labels = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key.slice("labels.".length), String(value)]));
  const checked = CreateRolloutBody.shape.labels.safeParse(labels);
  if (!checked.success) {
    throw new RolloutInvalid(checked.error.issues.map((issue) => ({ path: ["query", "labels", ...issue.path.map(String)].join("."), message: issue.message })));
  }
  return { gate, service, environment, version, baselineVersion, startedAt, labels: Object.keys(labels).length ? labels : undefined };
}
