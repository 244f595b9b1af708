import { z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../app.js";
import { listEvaluations } from "../../db/queries/evaluations.js";
import { findRollout, listRollouts } from "../../db/queries/rollouts.js";
import { ListRolloutsQuery } from "../routes/rollouts/schemas.js";
import type { LinkTargets } from "./check-evidence.js";
import { renderErrorPage, renderPage } from "./layout.js";
import { RolloutPage } from "./rollout-page.js";
import { RolloutsPage } from "./rollouts-page.js";

/** Charts join the samples of every evaluation; a rollout is evaluated at most a few hundred times. */
const MAX_EVALUATIONS = 500;

const RolloutId = z.uuid();

function linkTargets(deps: AppDeps): LinkTargets {
  return {
    grafanaUrl: deps.config.grafanaUrl,
    sourceLink(source, query, window) {
      try {
        return deps.sources.get(source)?.metrics?.queryLink?.(query, window) ?? null;
      } catch {
        return null;
      }
    },
    isPromQL: (source) => deps.sources.get(source)?.type === "prometheus",
  };
}

/** The investigation pages: `GET /rollouts` and `GET /rollouts/{id}` (server-rendered HTML). */
export function registerPages(app: AppRouter, deps: AppDeps) {
  app.get("/rollouts", async (c) => {
    // A plain GET form sends empty fields for filters left blank: they mean "any".
    const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== ""));
    const parsed = ListRolloutsQuery.safeParse(given);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const name = issue?.code === "unrecognized_keys" ? issue.keys.join(", ") : String(issue?.path[0] ?? "query");
      const why = issue?.code === "unrecognized_keys" ? "is not a filter of this page (filters: service, environment, verdict, gate)" : (issue?.message ?? "is invalid");
      return renderErrorPage(c, { status: 400, title: "Invalid filter", detail: `The filter parameter “${name}” ${why}.` });
    }
    const query = parsed.data;
    const rows = await listRollouts(deps.db, { ...query, before: query.before ? new Date(query.before) : undefined });
    const last = rows.at(-1);
    const older = rows.length === query.limit && last ? new URLSearchParams({ ...given, before: last.createdAt.toISOString() }) : null;
    const filters = { service: query.service, environment: query.environment, verdict: query.verdict, gate: query.gate };
    return renderPage(c, { title: "Rollouts", body: RolloutsPage({ rows, filters, olderHref: older ? `/rollouts?${older}` : null }) });
  });

  app.get("/rollouts/:id", async (c) => {
    const id = c.req.param("id");
    if (!RolloutId.safeParse(id).success) {
      return renderErrorPage(c, { status: 400, title: "Not a rollout id", detail: `“${id}” is not a rollout id: rollout ids are UUIDs, as in the investigationUrl of a verdict.` });
    }
    const rollout = await findRollout(deps.db, { id });
    if (!rollout) return renderErrorPage(c, { status: 404, title: "Rollout not found", detail: `There is no rollout with id ${id}. It may have been deleted, or the link may be from another Canary Gate.` });
    const evaluations = await listEvaluations(deps.db, { rolloutId: id, limit: MAX_EVALUATIONS });
    c.header("cache-control", "no-store");
    const title = `${rollout.verdict} · ${rollout.service} ${rollout.version} in ${rollout.environment}`;
    return renderPage(c, { title, body: RolloutPage({ rollout, evaluations, now: deps.now(), links: linkTargets(deps) }) });
  });
}
