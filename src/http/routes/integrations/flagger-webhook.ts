import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import { RolloutInvalid, RolloutNotFound } from "../../../analysis/errors.js";
import { finishRollout } from "../../../db/queries/evaluations.js";
import { problemResponses } from "../../problem.js";
import { CHECKSUM_LABEL, FlaggerParams, FlaggerWebhookBody, flaggerIdentity } from "./flagger-identity.js";
import { findLatestRollout } from "../../../db/queries/rollouts.js";
import { answerVerdict } from "./respond.js";
import { GateVerdictSchema } from "./schemas.js";
import { startOrGetRollout } from "../../../evaluation/start-or-get-rollout.js";
import { flaggerStatus } from "./status-codes.js";

const verdict = (description: string) => ({ description, content: { "application/json": { schema: GateVerdictSchema } } });

const route = createRoute({
  method: "post",
  path: "/v1/flagger/{hook}",
  operationId: "flaggerWebhook",
  tags: ["integrations"],
  summary: "A Flagger webhook: starts the rollout on the first call of a Canary run, then answers with the status code its hook type needs",
  description:
    "Flagger sends the same body to every hook type, so the type is in the path. pre-rollout and rollout: 200 unless halt (409), so pending never costs a failed check. " +
    "confirm-traffic-increase: 200 on continue, 423 pending, 409 halt. confirm-promotion: 200 on a final continue only. rollback: 200 on halt only (Flagger then rolls back), 423 pending, 412 continue. " +
    "post-rollout: 200; with phase Failed it stops the open analysis. A new checksum (a new Canary revision) starts a new rollout. The body is the verdict JSON in every case.",
  request: { params: FlaggerParams, body: { required: true, content: { "application/json": { schema: FlaggerWebhookBody } } } },
  responses: {
    200: verdict("The hook passes"),
    409: verdict("The verdict is halt (pre-rollout, rollout, confirm-*)"),
    412: verdict("rollback hook: the verdict is continue, so there is nothing to roll back"),
    423: verdict("The verdict is still pending (confirm-*, rollback)"),
    ...problemResponses(400, 404, 413),
  },
});

export function registerFlaggerWebhook(app: AppRouter, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const { hook } = c.req.valid("param");
    const body = c.req.valid("json");
    const mapped = flaggerIdentity(body);
    if (!mapped.ok) throw new RolloutInvalid(mapped.errors);
    const { input, checksum } = mapped;
    const isSameRun = (labels: Record<string, string>) => !checksum || labels[CHECKSUM_LABEL] === undefined || labels[CHECKSUM_LABEL] === checksum;

    if (hook === "post-rollout") {
      const latest = await findLatestRollout(deps.db, { gateName: input.gate, service: input.service, environment: input.environment, version: input.version });
      if (!latest || !isSameRun(latest.labels)) throw new RolloutNotFound(`of ${input.service}@${input.version} in ${input.environment}`);
      const stopped =
        body.phase === "Failed" && !latest.isFinal
          ? await finishRollout(deps.db, { id: latest.id, reason: "Cancelled: Flagger rolled the canary back (post-rollout phase Failed).", now: deps.now() })
          : undefined;
      return answerVerdict(c, deps, stopped ?? latest, 200);
    }

    const row = await startOrGetRollout(deps, input, {
      isSameRun: (latest) => isSameRun(latest.labels),
      supersededReason: `Superseded: Flagger restarted the analysis for a new revision (checksum ${checksum}).`,
    });
    return answerVerdict(c, deps, row, flaggerStatus(hook, row.verdict, row.isFinal));
  });
}
