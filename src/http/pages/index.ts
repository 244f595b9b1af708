import { z } from "@hono/zod-openapi";
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppDeps, AppRouter } from "../../app.js";
import { approvalStatus } from "../../analysis/approvals.js";
import { DomainError } from "../../analysis/errors.js";
import { listApprovals } from "../../db/queries/approvals.js";
import { findGate } from "../../db/queries/gates.js";
import type { RolloutRow } from "../../db/queries/rollouts.js";
import { decideApproval } from "../../evaluation/decide-approval.js";
import type { ApprovalsView } from "./approvals-section.js";
import { listEvaluations } from "../../db/queries/evaluations.js";
import { findRollout, listRollouts } from "../../db/queries/rollouts.js";
import { ListRolloutsQuery } from "../routes/rollouts/schemas.js";
import type { LinkTargets } from "./check-evidence.js";
import { renderErrorPage, renderPage, STYLESHEET_PATH } from "./layout.js";
import { RolloutPage } from "./rollout-page.js";
import { RolloutsPage } from "./rollouts-page.js";
import type { Authenticator } from "../../auth/authenticator.js";
import { pageAuth } from "./page-auth.js";
import { pageHeaders } from "./page-headers.js";
import { registerSignIn } from "./signin.js";
import { registerSignOut } from "./signout.js";
import { STYLES } from "./styles.js";

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

const CSRF_COOKIE = "cg_csrf";

async function approvalsView(c: Context, deps: AppDeps, rollout: RolloutRow): Promise<ApprovalsView | null> {
  const gate = await findGate(deps.db, { name: rollout.gateName, version: rollout.gateVersion });
  const policy = gate?.definition.approvals;
  if (!policy) return null;
  const decisions = await listApprovals(deps.db, { rolloutId: rollout.id });
  const status = approvalStatus(policy, decisions);
  const csrf = getCookie(c, CSRF_COOKIE) ?? randomBytes(18).toString("base64url");
  setCookie(c, CSRF_COOKIE, csrf, { httpOnly: true, sameSite: "Strict", path: "/rollouts" });
  return { status, decisions, csrf, canDecide: status.state === "waiting" && !rollout.isFinal };
}

/** The investigation pages: `GET /rollouts` and `GET /rollouts/{id}` (server-rendered HTML), behind a sign-in. */
export function registerPages(app: AppRouter, deps: AppDeps, security: { authenticator: Authenticator; isOpen: boolean }) {
  for (const path of ["/rollouts", "/rollouts/*", "/signin", "/signout", "/assets/*"]) app.use(path, pageHeaders());
  const sessions = { ...security, publicUrl: deps.config.publicUrl };
  app.use("/rollouts", pageAuth(sessions));
  app.use("/rollouts/*", pageAuth(sessions));
  registerSignIn(app, sessions);
  registerSignOut(app, sessions);
  app.get(STYLESHEET_PATH, (c) => c.body(STYLES, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }));

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
    const approvals = await approvalsView(c, deps, rollout);
    return renderPage(c, { title, body: RolloutPage({ rollout, evaluations, now: deps.now(), links: linkTargets(deps), approvals }) });
  });

  // The form of the approvals section: the approver's token proves who decides; the CSRF token, the form.
  app.post("/rollouts/:id/approvals", async (c) => {
    const id = c.req.param("id");
    if (!RolloutId.safeParse(id).success) return renderErrorPage(c, { status: 400, title: "Not a rollout id", detail: `“${id}” is not a rollout id.` });
    const form = await c.req.parseBody();
    const csrf = typeof form.csrf === "string" ? form.csrf : "";
    if (!csrf || csrf !== getCookie(c, CSRF_COOKIE)) {
      return renderErrorPage(c, { status: 400, title: "Form expired", detail: "The form could not be verified (it came from elsewhere, or it is too old). Reload the rollout page and try again." });
    }
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const principal = token.length >= 16 && token.length <= 512 ? await security.authenticator.authenticate(token) : null;
    const approver = principal && (principal.role === "approver" || principal.role === "admin") ? { name: principal.name, groups: principal.groups } : null;
    if (!approver) return renderErrorPage(c, { status: 400, title: "Unknown approver token", detail: "The approver token was not recognised. Ask the operator of Canary Gate for yours." });
    const decision = form.decision === "reject" ? "reject" : form.decision === "approve" ? "approve" : null;
    if (!decision) return renderErrorPage(c, { status: 400, title: "No decision", detail: "Choose Approve or Reject." });
    const comment = typeof form.comment === "string" && form.comment.trim() ? form.comment.trim().slice(0, 2000) : null;
    try {
      await decideApproval(deps, { id, approver, decision, comment });
    } catch (error) {
      if (error instanceof DomainError) return renderErrorPage(c, { status: error.code === "rollout-not-found" ? 404 : 400, title: "Decision not recorded", detail: error.message });
      throw error;
    }
    return c.redirect(`/rollouts/${id}#approvals`, 303);
  });
}
