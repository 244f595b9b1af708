import type { Verdict } from "../../../analysis/types.js";

/**
 * Status codes for tools that read only the status (research §4.7): 200 continue; 409 Conflict for
 * halt, a settled "the evidence contradicts this deployment" that no retry changes; 423 Locked for
 * pending, a gate that is shut for now. Both are 4xx that curl --retry, Flagger's retryablehttp and
 * Spinnaker never retry, unlike 5xx/429, and neither is 403, which auth proxies answer for a bad token.
 */
export type GateStatus = 200 | 409 | 423;

export function gateStatus(verdict: Verdict): GateStatus {
  return verdict === "continue" ? 200 : verdict === "halt" ? 409 : 423;
}

export const FlaggerHooks = ["pre-rollout", "rollout", "confirm-traffic-increase", "confirm-promotion", "rollback", "post-rollout"] as const;
export type FlaggerHook = (typeof FlaggerHooks)[number];

/** Flagger passes a hook on 200-202 only; 412 answers a rollback hook whose verdict is continue. */
export type FlaggerStatus = 200 | 409 | 412 | 423;

/**
 * What each Flagger hook type needs (Flagger's scheduler, research §3.3-3.7):
 * - pre-rollout, rollout: a non-2xx costs a failed check, so only halt fails; pending passes and the
 *   analysis keeps running while Flagger steps traffic up;
 * - confirm-traffic-increase: a non-2xx only waits, so it passes on continue;
 * - confirm-promotion: a non-2xx only waits at full weight, so it passes on a final continue;
 * - rollback: inverted, a 2xx rolls back now, so it passes on halt only;
 * - post-rollout: informational; always 200.
 */
export function flaggerStatus(hook: FlaggerHook, verdict: Verdict, isFinal: boolean): FlaggerStatus {
  switch (hook) {
    case "pre-rollout":
    case "rollout":
      return verdict === "halt" ? 409 : 200;
    case "confirm-traffic-increase":
      return gateStatus(verdict);
    case "confirm-promotion":
      return verdict === "continue" && !isFinal ? 423 : gateStatus(verdict);
    case "rollback":
      return verdict === "halt" ? 200 : verdict === "pending" ? 423 : 412;
    case "post-rollout":
      return 200;
  }
}

/** Seconds until the next evaluation is due, for `Retry-After` on 423; at least 1. */
export function retryAfterSeconds(nextEvaluationAt: Date, now: Date): number {
  return Math.max(1, Math.ceil((nextEvaluationAt.getTime() - now.getTime()) / 1000));
}
