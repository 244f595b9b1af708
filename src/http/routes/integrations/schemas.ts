import { z } from "@hono/zod-openapi";
import type { RolloutRow } from "../../../db/queries/rollouts.js";
import { CreateRolloutBody, rolloutLinks, toVerdict, VerdictSchema, type Links } from "../rollouts/schemas.js";

/** The verdict plus where to poll it by id: Spinnaker's webhook stage reads `verdictUrl` from the first answer. */
export const GateVerdictSchema = VerdictSchema.extend({
  verdictUrl: z.string().openapi({ description: "GET this to poll the same rollout by id (`/v1/rollouts/{id}/verdict`)." }),
}).openapi("GateVerdict");
export type GateVerdictSchema = z.infer<typeof GateVerdictSchema>;

export function toGateVerdict(row: RolloutRow, links: Links): GateVerdictSchema {
  return { ...toVerdict(row, links), verdictUrl: rolloutLinks(row, links).verdictUrl };
}

/** A rollout named by what a pipeline knows; the gate is in the path. */
export const RolloutIdentityBody = CreateRolloutBody.omit({ gate: true }).openapi("RolloutIdentity");

const { service, environment, version, baselineVersion, startedAt } = CreateRolloutBody.shape;

/** The same identity as query parameters, for tools that only GET; labels are `labels.NAME=value`. */
export const RolloutIdentityQuery = z
  .object({ service, environment, version, baselineVersion, startedAt })
  .catchall(z.string())
  .superRefine((query, ctx) => {
    for (const key of Object.keys(query)) {
      if (!["service", "environment", "version", "baselineVersion", "startedAt"].includes(key) && !key.startsWith("labels.")) {
        ctx.addIssue({ code: "custom", path: [key], message: `unknown query parameter "${key}" (labels are written labels.NAME=value)` });
      }
    }
  });

const VerdictStatusDescriptions = {
  200: "continue: the gate is open",
  409: "halt: the gate stays shut for this rollout (final); the body says why",
  423: "pending: not decided yet; `Retry-After` says when the next evaluation is due",
} as const;

/** OpenAPI responses of a status-code gate: the same verdict body under 200, 409 or 423. */
export function gateStatusResponses() {
  return Object.fromEntries(
    Object.entries(VerdictStatusDescriptions).map(([status, description]) => [status, { description, content: { "application/json": { schema: GateVerdictSchema } } }]),
  ) as Record<keyof typeof VerdictStatusDescriptions, { description: string; content: { "application/json": { schema: typeof GateVerdictSchema } } }>;
}
