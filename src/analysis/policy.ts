import type { CheckResult } from "./check-result.js";
import { formatDuration } from "./duration.js";
import type { GateDefinition, GateTiming } from "./gate.js";
import type { CheckOutcome, Verdict } from "./types.js";

/** What the policy remembers between evaluations of one rollout. */
export interface PolicyState {
  failedEvaluations: number;
  /** ISO time since which every check has passed in every evaluation, or null. */
  passingSince: string | null;
}

export const initialPolicyState: PolicyState = { failedEvaluations: 0, passingSince: null };

export interface PolicyInput {
  gate: Pick<GateDefinition, "failureLimit" | "onNoData" | "onError">;
  timing: GateTiming;
  startedAt: Date;
  now: Date;
  state: PolicyState;
  results: CheckResult[];
}

export interface PolicyDecision {
  verdict: Verdict;
  isFinal: boolean;
  reason: string;
  state: PolicyState;
  /** Check results after the gate's onNoData / onError mapping. */
  results: CheckResult[];
}

/** Applies the gate's onNoData and onError to raw outcomes; fail-closed unless the gate says otherwise. */
export function applyOutcomeMapping(gate: PolicyInput["gate"], result: CheckResult): CheckResult {
  let mapped: CheckOutcome = result.result;
  if (result.result === "nodata") mapped = gate.onNoData;
  if (result.result === "error") mapped = gate.onError;
  if (mapped === result.result) return result;
  return { ...result, result: mapped, details: { ...result.details, rawResult: result.result } };
}

function describe(result: CheckResult): string {
  return `${result.name}: ${result.summary}`;
}

/**
 * Turns one evaluation's check results and the rollout's history into a verdict (DESIGN.md):
 * a failing critical check or failures past `failureLimit` halt; all checks passing for `steadyFor`
 * continue; `timeout` without continue halts; anything else is pending.
 */
export function decideVerdict(input: PolicyInput): PolicyDecision {
  const { timing, startedAt, now, state } = input;
  const results = input.results.map((result) => applyOutcomeMapping(input.gate, result));
  const failed = results.filter((result) => result.result === "fail");
  const elapsedMs = now.getTime() - startedAt.getTime();
  const timedOut = elapsedMs >= timing.timeoutMs;

  const criticalFailure = failed.find((result) => result.critical);
  if (criticalFailure) {
    return halt(`Critical check ${describe(criticalFailure)}`, { ...state, passingSince: null }, results);
  }

  if (failed.length > 0) {
    const failedEvaluations = state.failedEvaluations + 1;
    const next = { failedEvaluations, passingSince: null };
    const list = failed.map(describe).join("; ");
    if (failedEvaluations > input.gate.failureLimit) {
      const limit = input.gate.failureLimit;
      const count = limit === 0 ? "A check failed" : `${failedEvaluations} evaluations failed, more than the failure limit of ${limit}`;
      return halt(`${count}. ${list}`, next, results);
    }
    if (timedOut) return halt(timeoutReason(timing, list), next, results);
    return pending(`Failure ${failedEvaluations} of ${input.gate.failureLimit} tolerated. ${list}`, next, results);
  }

  const allPass = results.every((result) => result.result === "pass");
  if (allPass) {
    const passingSince = state.passingSince ?? now.toISOString();
    const steadyMs = now.getTime() - new Date(passingSince).getTime();
    const next = { ...state, passingSince };
    if (steadyMs >= timing.steadyForMs) {
      const names = results.map((result) => result.name).join(", ");
      return { verdict: "continue", isFinal: true, reason: `All ${results.length} checks pass (${names}).`, state: next, results };
    }
    if (timedOut) return halt(timeoutReason(timing, "checks had not yet passed for the required steady time"), next, results);
    return pending(
      `All checks pass; waiting until they have passed for ${formatDuration(timing.steadyForMs)} (${formatDuration(steadyMs)} so far).`,
      next,
      results,
    );
  }

  const open = results.filter((result) => result.result !== "pass").map(describe).join("; ");
  const next = { ...state, passingSince: null };
  if (timedOut) return halt(timeoutReason(timing, open), next, results);
  return pending(`Not enough evidence yet. ${open}`, next, results);
}

function timeoutReason(timing: GateTiming, open: string): string {
  return `Timeout: no continue within ${formatDuration(timing.timeoutMs)}. ${open}`;
}

function halt(reason: string, state: PolicyState, results: CheckResult[]): PolicyDecision {
  return { verdict: "halt", isFinal: true, reason, state, results };
}

function pending(reason: string, state: PolicyState, results: CheckResult[]): PolicyDecision {
  return { verdict: "pending", isFinal: false, reason, state, results };
}

/** The first evaluation waits for the stabilisation delay; later ones follow the interval, never past the timeout. */
export function nextEvaluationTime(timing: GateTiming, startedAt: Date, now: Date): Date {
  const firstDue = startedAt.getTime() + timing.delayMs;
  const deadline = startedAt.getTime() + timing.timeoutMs;
  if (now.getTime() < firstDue) return new Date(firstDue);
  return new Date(Math.min(now.getTime() + timing.intervalMs, Math.max(deadline, now.getTime())));
}
