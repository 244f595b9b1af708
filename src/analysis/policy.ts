import type { CheckResult } from "./check-result.js";
import { formatDuration } from "./duration.js";
import type { GateDefinition, GateTiming } from "./gate.js";
import type { CheckOutcome, Verdict } from "./types.js";

/** What the policy remembers between evaluations of one rollout. */
export interface PolicyState {
  failedEvaluations: number;
  consecutiveFailures: number;
  inconclusiveEvaluations: number;
  /** Evaluations in a row in which a source could not be read. */
  consecutiveErrors: number;
  /** ISO time since which every check has passed in every evaluation, or null. */
  passingSince: string | null;
}

export const initialPolicyState: PolicyState = { failedEvaluations: 0, consecutiveFailures: 0, inconclusiveEvaluations: 0, consecutiveErrors: 0, passingSince: null };

export type PolicyGate = Pick<GateDefinition, "failureLimit" | "consecutiveFailureLimit" | "inconclusiveLimit" | "consecutiveErrorLimit" | "onNoData" | "onError">;

export interface PolicyInput {
  gate: PolicyGate;
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
  /** Check results after onNoData / onError mapping (a dry-run check keeps its real outcome). */
  results: CheckResult[];
  /** A source failed: evaluate again after the error retry interval rather than the full interval. */
  retrySooner: boolean;
}

/**
 * Applies onNoData and onError (the check's own, else the gate's) to raw outcomes: fail-closed unless
 * configured otherwise. The raw outcome stays in the details, and the summary says what was assumed.
 */
export function applyOutcomeMapping(gate: Pick<PolicyGate, "onNoData" | "onError">, result: CheckResult): CheckResult {
  let mapped: CheckOutcome = result.result;
  if (result.result === "nodata") mapped = result.onNoData ?? gate.onNoData;
  if (result.result === "error") mapped = result.onError ?? gate.onError;
  if (mapped === result.result) return result;
  const assumed = mapped === "pass" ? " (fail-open: treated as pass)" : mapped === "fail" ? " (fail-closed: treated as fail)" : " (treated as inconclusive)";
  return { ...result, result: mapped, summary: `${result.summary}${assumed}`, details: { ...result.details, rawResult: result.result } };
}

function describe(result: CheckResult): string {
  return `${result.name}: ${result.summary}`;
}

/**
 * Turns one evaluation's check results and the rollout's history into a verdict (DESIGN.md), with the
 * limits of Argo Rollouts and Flagger: a failing critical check, failures past `failureLimit` or
 * `consecutiveFailureLimit`, inconclusive evaluations past `inconclusiveLimit` or source errors past
 * `consecutiveErrorLimit` halt; every check passing for `steadyFor` continues (at `duration` in watch
 * mode); `timeout` without continue halts; anything else is pending. Dry-run checks never decide.
 */
export function decideVerdict(input: PolicyInput): PolicyDecision {
  const { gate, timing, startedAt, now } = input;
  const results = input.results.map((result) => applyOutcomeMapping(gate, result));
  const enforced = results.filter((result) => !result.dryRun);
  const hadError = enforced.some((result) => (result.details.rawResult ?? result.result) === "error");
  const failed = enforced.filter((result) => result.result === "fail");
  const inconclusive = enforced.filter((result) => result.result !== "pass" && result.result !== "fail");
  // States stored before a counter existed lack it: start it at zero.
  const prior = { ...initialPolicyState, ...input.state };
  const state: PolicyState = {
    failedEvaluations: prior.failedEvaluations + (failed.length ? 1 : 0),
    consecutiveFailures: failed.length ? prior.consecutiveFailures + 1 : 0,
    inconclusiveEvaluations: prior.inconclusiveEvaluations + (inconclusive.length ? 1 : 0),
    consecutiveErrors: hadError ? prior.consecutiveErrors + 1 : 0,
    passingSince: failed.length || inconclusive.length ? null : (prior.passingSince ?? now.toISOString()),
  };
  const elapsedMs = now.getTime() - startedAt.getTime();
  const watching = timing.durationMs !== null;
  const decide = (verdict: Verdict, isFinal: boolean, reason: string): PolicyDecision => ({ verdict, isFinal, reason, state, results, retrySooner: hadError && !isFinal });
  const list = (items: CheckResult[]) => items.map(describe).join("; ");

  const critical = failed.find((result) => result.critical);
  if (critical) return decide("halt", true, `Critical check ${describe(critical)}`);
  if (failed.length) {
    if (state.failedEvaluations > gate.failureLimit) {
      const count = gate.failureLimit === 0 ? "A check failed" : `${state.failedEvaluations} evaluations failed, more than the failure limit of ${gate.failureLimit}`;
      return decide("halt", true, `${count}. ${list(failed)}`);
    }
    if (gate.consecutiveFailureLimit !== undefined && state.consecutiveFailures > gate.consecutiveFailureLimit) {
      return decide("halt", true, `${state.consecutiveFailures} evaluations in a row failed, more than the consecutive failure limit of ${gate.consecutiveFailureLimit}. ${list(failed)}`);
    }
  }
  if (state.consecutiveErrors > gate.consecutiveErrorLimit) {
    return decide("halt", true, `${state.consecutiveErrors} evaluations in a row could not read a source, more than the consecutive error limit of ${gate.consecutiveErrorLimit}. ${list(enforced.filter((result) => (result.details.rawResult ?? result.result) === "error"))}`);
  }
  if (inconclusive.length && gate.inconclusiveLimit !== undefined && state.inconclusiveEvaluations > gate.inconclusiveLimit) {
    return decide("halt", true, `${state.inconclusiveEvaluations} evaluations were inconclusive, more than the inconclusive limit of ${gate.inconclusiveLimit}. ${list(inconclusive)}`);
  }

  if (watching) {
    const durationMs = timing.durationMs ?? 0;
    if (elapsedMs >= durationMs) {
      return decide("continue", true, `Watched for ${formatDuration(durationMs)} with ${state.failedEvaluations} failed evaluation(s), within the failure limit of ${gate.failureLimit}.`);
    }
    const until = new Date(startedAt.getTime() + durationMs).toISOString();
    if (failed.length) return decide("pending", false, `Failure ${state.failedEvaluations} of ${gate.failureLimit} tolerated; watching until ${until}. ${list(failed)}`);
    return decide("pending", false, `Watching until ${until}; no failure so far.${inconclusive.length ? ` Still open: ${list(inconclusive)}` : ""}`);
  }

  const timedOut = elapsedMs >= timing.timeoutMs;
  const timeout = (open: string) => decide("halt", true, `Timeout: no continue within ${formatDuration(timing.timeoutMs)}. ${open}`);
  if (failed.length) {
    if (timedOut) return timeout(list(failed));
    return decide("pending", false, `Failure ${state.failedEvaluations} of ${gate.failureLimit} tolerated. ${list(failed)}`);
  }
  if (inconclusive.length) {
    if (timedOut) return timeout(list(inconclusive));
    return decide("pending", false, `Not enough evidence yet. ${list(inconclusive)}`);
  }
  const steadyMs = now.getTime() - new Date(state.passingSince ?? now.toISOString()).getTime();
  if (steadyMs >= timing.steadyForMs) {
    const dryRun = results.filter((result) => result.dryRun && result.result !== "pass");
    const note = dryRun.length ? ` Dry run, not enforced: ${list(dryRun)}` : "";
    return decide("continue", true, `All ${enforced.length} checks pass (${enforced.map((result) => result.name).join(", ")}).${note}`);
  }
  if (timedOut) return timeout("checks had not yet passed for the required steady time");
  return decide("pending", false, `All checks pass; waiting until they have passed for ${formatDuration(timing.steadyForMs)} (${formatDuration(steadyMs)} so far).`);
}

/**
 * When to evaluate next: the first evaluation waits for the stabilisation delay; later ones follow the
 * interval (the error retry interval after a source error), never past the timeout or the duration.
 */
export function nextEvaluationTime(timing: GateTiming, startedAt: Date, now: Date, retrySooner = false): Date {
  const firstDue = startedAt.getTime() + timing.delayMs;
  const end = startedAt.getTime() + (timing.durationMs ?? timing.timeoutMs);
  if (now.getTime() < firstDue) return new Date(firstDue);
  const step = retrySooner ? Math.min(timing.errorRetryMs, timing.intervalMs) : timing.intervalMs;
  return new Date(Math.min(now.getTime() + step, Math.max(end, now.getTime())));
}
