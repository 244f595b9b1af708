import { parseDuration } from "../analysis/duration.js";
import type { CheckResult } from "../analysis/check-result.js";
import type { GateCheck, MetricCheck } from "../analysis/check-schema.js";
import { checkAlpha, gateTiming, type GateDefinition } from "../analysis/gate.js";
import type { CheckState } from "../analysis/judge-sequential.js";
import { decideVerdict, nextEvaluationTime } from "../analysis/policy.js";
import { describeScore, scoreResults } from "../analysis/scoring.js";
import type { Database } from "../db/client.js";
import { recordEvaluation } from "../db/queries/evaluations.js";
import { findGate } from "../db/queries/gates.js";
import { findRollout, type RolloutRow } from "../db/queries/rollouts.js";
import type { SourceEntry, SourceRegistry } from "../sources/registry.js";
import type { Logger } from "../telemetry/logger.js";
import type { Meters } from "../telemetry/meters.js";
import { inSpan } from "../telemetry/tracer.js";
import { runCheck, type CheckWindows } from "./run-check.js";
import { runHttpCheck } from "./run-http-check.js";
import { runMonitorCheck } from "./run-monitor-check.js";

export interface EvaluationDeps {
  db: Database;
  sources: SourceRegistry;
  now: () => Date;
  sourceTimeoutMs: number;
  logger: Logger;
  meters: Meters;
}

export interface EvaluationOutcome {
  rollout: RolloutRow;
  /** False when nothing was evaluated: final already, still in the delay, or the lease was lost. */
  evaluated: boolean;
}

/**
 * The one verb that evaluates a rollout: fetch every check's data in parallel, judge, apply the
 * gate policy and store evaluation, check results and rollout state in one transaction.
 */
export async function evaluateRollout(
  deps: EvaluationDeps,
  params: { id: string; trigger: "scheduler" | "request"; leaseOwner?: string },
): Promise<EvaluationOutcome | undefined> {
  return inSpan("rollout.evaluate", { "canary.rollout.id": params.id, "canary.trigger": params.trigger }, async (span) => {
    const outcome = await evaluate(deps, params);
    if (outcome) {
      span.setAttributes({ "canary.gate": outcome.rollout.gateName, "canary.verdict": outcome.rollout.verdict, "canary.final": outcome.rollout.isFinal, "canary.evaluated": outcome.evaluated });
    }
    return outcome;
  });
}

async function evaluate(deps: EvaluationDeps, params: { id: string; trigger: "scheduler" | "request"; leaseOwner?: string }): Promise<EvaluationOutcome | undefined> {
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

  const timeoutMs = deps.sourceTimeoutMs;
  const { meters } = deps;
  const runAnyCheck = async (check: GateCheck, entry: SourceEntry | undefined): Promise<{ result: CheckResult; state: CheckState | null }> => {
    if (check.type === "monitor") {
      const result = await runMonitorCheck({ check, source: entry?.monitors, context, startedAt, now: began, onNoData: gate.onNoData, timeoutMs, meters });
      return { result, state: null };
    }
    if (check.type === "http") return { result: await runHttpCheck({ check, source: entry?.http, context, timeoutMs, meters }), state: null };
    return runCheck({
      check,
      source: entry?.metrics,
      context,
      windows: checkWindows(gate, check, startedAt, began),
      timeoutMs,
      alpha: checkAlpha(gate, check),
      prior: rollout.checkStates[check.name] ?? null,
      meters,
    });
  };
  const context = {
    service: rollout.service,
    environment: rollout.environment,
    version: rollout.version,
    baselineVersion: rollout.baselineVersion ?? rollout.version,
    labels: rollout.labels,
  };
  const outputs = await Promise.all(
    gate.checks.map((check) => {
      const entry = deps.sources.get(check.source);
      const attributes = { "canary.check": check.name, "canary.check.type": check.type, "canary.source.type": entry?.type ?? "unknown" };
      return inSpan("check.evaluate", attributes, async (span): Promise<{ result: CheckResult; state: CheckState | null }> => {
        const output = await runAnyCheck(check, entry);
        span.setAttribute("canary.result", output.result.result);
        const policy = { onNoData: check.onNoData, onError: check.onError, dryRun: check.dryRun };
        return { ...output, result: { ...output.result, ...policy } };
      });
    }),
  );
  const results = outputs.map((output) => output.result);
  const checkStates = Object.fromEntries(
    gate.checks.flatMap((check, index) => {
      const state = outputs[index]?.state;
      return state ? [[check.name, state]] : [];
    }),
  );
  const now = deps.now();
  const decision = decideVerdict({ gate, timing, startedAt, now, state: rollout.policyState, results });
  const score = scoreResults(decision.results, gate.scoring);
  const updated = await recordEvaluation(deps.db, {
    rolloutId: rollout.id,
    evaluatedAt: now,
    verdict: decision.verdict,
    isFinal: decision.isFinal,
    reason: describeScore(decision.reason, score, gate.scoring),
    score: score?.score ?? null,
    trigger: params.trigger,
    durationMs: now.getTime() - began.getTime(),
    results: decision.results,
    policyState: decision.state,
    checkStates,
    nextEvaluationAt: nextEvaluationTime(timing, startedAt, now, decision.retrySooner),
    ...(params.leaseOwner ? { leaseOwner: params.leaseOwner } : {}),
  });
  if (!updated) {
    const latest = await findRollout(deps.db, { id: rollout.id });
    return latest ? { rollout: latest, evaluated: false } : undefined;
  }
  meters.evaluations.add(1, { verdict: updated.verdict, final: updated.isFinal });
  meters.evaluationDuration.record((now.getTime() - began.getTime()) / 1000, { verdict: updated.verdict });
  deps.logger.info(
    { event: "rollout.evaluated", rolloutId: rollout.id, gate: rollout.gateName, verdict: updated.verdict, final: updated.isFinal, score: updated.score, durationMs: now.getTime() - began.getTime() },
    "rollout evaluated",
  );
  return { rollout: updated, evaluated: true };
}

/** Baseline: the window before the rollout started. Canary: from the end of the delay until now. */
export function checkWindows(gate: GateDefinition, check: MetricCheck, startedAt: Date, now: Date): CheckWindows {
  const stepSeconds = Math.max(1, Math.round((parseDuration(check.step) ?? 60_000) / 1000));
  const baselineMs = parseDuration(check.baseline.window) ?? 1_800_000;
  const delayMs = parseDuration(gate.delay) ?? 0;
  return {
    baseline: { start: new Date(startedAt.getTime() - baselineMs), end: new Date(startedAt.getTime() - 1), stepSeconds },
    canary: { start: new Date(startedAt.getTime() + delayMs), end: now, stepSeconds },
  };
}
