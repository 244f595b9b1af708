import type { ApprovalStatus } from "../analysis/approvals.js";
import { applyApprovals, applyGateDryRun, approvalsBeforeChecks } from "../analysis/gate-overlays.js";
import { gateTiming } from "../analysis/gate.js";
import { decideVerdict, nextEvaluationTime, type PolicyDecision } from "../analysis/policy.js";
import { describeScore, scoreResults } from "../analysis/scoring.js";
import type { Database } from "../db/client.js";
import { listApprovals } from "../db/queries/approvals.js";
import { recordEvaluation } from "../db/queries/evaluations.js";
import { findGate } from "../db/queries/gates.js";
import { findRollout, type RolloutRow } from "../db/queries/rollouts.js";
import type { SourceRegistry } from "../sources/registry.js";
import type { Logger } from "../telemetry/logger.js";
import type { Meters } from "../telemetry/meters.js";
import { inSpan } from "../telemetry/tracer.js";
import { notificationsFor, type NotificationTargets } from "./notifications.js";
import { runGateChecks } from "./run-gate-checks.js";

export interface EvaluationDeps {
  db: Database;
  sources: SourceRegistry;
  now: () => Date;
  sourceTimeoutMs: number;
  logger: Logger;
  meters: Meters;
  /** Where halts, approval requests and final continues are announced; none when unset. */
  notifications?: NotificationTargets;
  /** Base of the links in notifications. */
  publicUrl?: string;
}

export interface EvaluationOutcome {
  rollout: RolloutRow;
  /** False when nothing was evaluated: final already, still in the delay, or the lease was lost. */
  evaluated: boolean;
}

type Trigger = { id: string; trigger: "scheduler" | "request"; leaseOwner?: string };

/**
 * The one verb that evaluates a rollout: fetch every check's data in parallel, judge, apply the
 * gate policy, approvals and dry run, and store evaluation, check results, rollout state and the
 * notifications it causes in one transaction.
 */
export async function evaluateRollout(deps: EvaluationDeps, params: Trigger): Promise<EvaluationOutcome | undefined> {
  return inSpan("rollout.evaluate", { "canary.rollout.id": params.id, "canary.trigger": params.trigger }, async (span) => {
    const outcome = await evaluate(deps, params);
    if (outcome) {
      span.setAttributes({ "canary.gate": outcome.rollout.gateName, "canary.verdict": outcome.rollout.verdict, "canary.final": outcome.rollout.isFinal, "canary.evaluated": outcome.evaluated });
    }
    return outcome;
  });
}

async function evaluate(deps: EvaluationDeps, params: Trigger): Promise<EvaluationOutcome | undefined> {
  const rollout = await findRollout(deps.db, { id: params.id });
  if (!rollout) return undefined;
  if (rollout.isFinal) return { rollout, evaluated: false };
  const gateRow = await findGate(deps.db, { name: rollout.gateName, version: rollout.gateVersion });
  if (!gateRow) throw new Error(`gate ${rollout.gateName} v${rollout.gateVersion} is missing`);
  const gate = gateRow.definition;
  const timing = gateTiming(gate);
  const startedAt = rollout.startedAt;
  const began = deps.now();
  if (began.getTime() < startedAt.getTime() + timing.delayMs) return { rollout, evaluated: false };

  const decisions = gate.approvals ? await listApprovals(deps.db, { rolloutId: rollout.id }) : [];
  const waitingFirst = approvalsBeforeChecks(gate.approvals, decisions);
  const { results, checkStates } = waitingFirst ? { results: [], checkStates: rollout.checkStates } : await runGateChecks(deps, rollout, gate, began);
  const now = deps.now();
  let decision: PolicyDecision;
  let approval: ApprovalStatus | null = waitingFirst;
  if (waitingFirst) {
    const rejected = waitingFirst.state === "rejected";
    const reason = rejected ? `Rejected before the checks: ${waitingFirst.summary}.` : `Approvals come first: ${waitingFirst.summary}.`;
    decision = { verdict: rejected ? "halt" : "pending", isFinal: rejected, reason, state: rollout.policyState, results: [], retrySooner: false };
  } else {
    decision = decideVerdict({ gate, timing, startedAt, now, state: rollout.policyState, results });
  }
  const score = scoreResults(decision.results, gate.scoring);
  if (!waitingFirst) ({ decision, approval } = applyApprovals({ decision, approvals: gate.approvals, decisions, score }));
  const dryRun = applyGateDryRun(decision, gate.dryRun);
  decision = dryRun.decision;
  const reason = describeScore(decision.reason, score, gate.scoring);
  const updated = await recordEvaluation(deps.db, {
    rolloutId: rollout.id,
    evaluatedAt: now,
    verdict: decision.verdict,
    isFinal: decision.isFinal,
    reason,
    realVerdict: dryRun.realVerdict,
    score: score?.score ?? null,
    trigger: params.trigger,
    durationMs: now.getTime() - began.getTime(),
    results: decision.results,
    policyState: decision.state,
    checkStates,
    nextEvaluationAt: nextEvaluationTime(timing, startedAt, now, decision.retrySooner),
    notifications: notificationsFor(deps.notifications, { rollout, previous: rollout, verdict: decision.verdict, isFinal: decision.isFinal, reason, approval, publicUrl: deps.publicUrl ?? "", now }),
    ...(params.leaseOwner ? { leaseOwner: params.leaseOwner } : {}),
  });
  if (!updated) {
    const latest = await findRollout(deps.db, { id: rollout.id });
    return latest ? { rollout: latest, evaluated: false } : undefined;
  }
  deps.meters.evaluations.add(1, { verdict: updated.verdict, final: updated.isFinal });
  deps.meters.evaluationDuration.record((now.getTime() - began.getTime()) / 1000, { verdict: updated.verdict });
  deps.logger.info(
    { event: "rollout.evaluated", rolloutId: rollout.id, gate: rollout.gateName, verdict: updated.verdict, final: updated.isFinal, score: updated.score, durationMs: now.getTime() - began.getTime() },
    "rollout evaluated",
  );
  return { rollout: updated, evaluated: true };
}
