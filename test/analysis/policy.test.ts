import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/analysis/check-result.js";
import { decideVerdict, initialPolicyState, nextEvaluationTime, type PolicyInput, type PolicyState } from "../../src/analysis/policy.js";
import type { GateTiming } from "../../src/analysis/gate.js";
import { describeScore, scoreResults } from "../../src/analysis/scoring.js";
import type { CheckOutcome } from "../../src/analysis/types.js";

const timing: GateTiming = { delayMs: 60_000, intervalMs: 60_000, timeoutMs: 3_600_000, steadyForMs: 0, errorRetryMs: 10_000, durationMs: null };
const gate: PolicyInput["gate"] = { failureLimit: 0, consecutiveErrorLimit: 4, onNoData: "fail", onError: "fail" };
const startedAt = new Date("2026-01-01T00:00:00Z");
const at = (minutes: number) => new Date(startedAt.getTime() + minutes * 60_000);

function check(name: string, result: CheckOutcome, extra: Partial<CheckResult> = {}): CheckResult {
  return {
    name,
    result,
    critical: false,
    weight: 1,
    summary: `${name} is ${result}`,
    details: {
      type: "metric", kind: "series", source: "prometheus", test: "mann-whitney", direction: "increase", tolerance: 0.05, confidence: 0.95,
      alpha: 0.05, pValue: null, eValue: null, interval: null, intervalKind: null, relativeChange: null, baseline: null, canary: null, counts: null, queries: [], error: null, rawResult: null,
    },
    ...extra,
  };
}

/** Runs a scripted sequence of evaluations, one a minute from minute 2, and returns each decision. */
function run(sequence: CheckOutcome[][], overrides: { gate?: Partial<typeof gate>; timing?: Partial<typeof timing>; critical?: boolean; extra?: Partial<CheckResult> } = {}) {
  let state: PolicyState = initialPolicyState;
  return sequence.map((outcomes, index) => {
    const decision = decideVerdict({
      gate: { ...gate, ...overrides.gate },
      timing: { ...timing, ...overrides.timing },
      startedAt,
      now: at(index + 2),
      state,
      results: outcomes.map((outcome, position) => check(`c${position}`, outcome, { critical: overrides.critical ?? false, ...(position === 0 ? overrides.extra : {}) })),
    });
    state = decision.state;
    return decision;
  });
}

describe("decideVerdict", () => {
  it("continues, final, once every check passes in one evaluation", () => {
    const [first, second] = run([["pass", "inconclusive"], ["pass", "pass"]]);
    expect(first).toMatchObject({ verdict: "pending", isFinal: false });
    expect(first?.reason).toContain("c1: c1 is inconclusive");
    expect(second).toMatchObject({ verdict: "continue", isFinal: true });
    expect(second?.reason).toBe("All 2 checks pass (c0, c1).");
  });

  it("halts at the first failure with the default failure limit of 0", () => {
    const [decision] = run([["fail", "pass"]]);
    expect(decision).toMatchObject({ verdict: "halt", isFinal: true });
    expect(decision?.reason).toBe("A check failed. c0: c0 is fail");
  });

  it("tolerates failures up to failureLimit, cumulatively, then halts", () => {
    const decisions = run([["fail"], ["inconclusive"], ["fail"], ["fail"]], { gate: { failureLimit: 2 } });
    expect(decisions.map((d) => d.verdict)).toEqual(["pending", "pending", "pending", "halt"]);
    expect(decisions[0]?.reason).toContain("Failure 1 of 2 tolerated");
    expect(decisions[3]?.reason).toContain("3 evaluations failed, more than the failure limit of 2");
  });

  it("halts at once on a critical failure even when failures are tolerated", () => {
    const [decision] = run([["fail"]], { gate: { failureLimit: 5 }, critical: true });
    expect(decision).toMatchObject({ verdict: "halt", isFinal: true });
    expect(decision?.reason).toMatch(/^Critical check c0/);
  });

  it("waits for steadyFor with every check passing, and restarts the wait when one stops passing", () => {
    const decisions = run([["pass"], ["pass"], ["inconclusive"], ["pass"], ["pass"], ["pass"]], { timing: { steadyForMs: 120_000 } });
    expect(decisions.map((d) => d.verdict)).toEqual(["pending", "pending", "pending", "pending", "pending", "continue"]);
    expect(decisions[1]?.reason).toContain("waiting until they have passed for 2m (1m so far)");
  });

  it("maps nodata and error through onNoData and onError, keeping the raw outcome", () => {
    const failClosed = run([["nodata"]]);
    expect(failClosed[0]?.verdict).toBe("halt");
    const passing = run([["nodata"]], { gate: { onNoData: "pass" } });
    expect(passing[0]?.verdict).toBe("continue");
    expect(passing[0]?.results[0]?.details.rawResult).toBe("nodata");
    const inconclusive = run([["error"], ["error"]], { gate: { onError: "inconclusive" } });
    expect(inconclusive.map((d) => d.verdict)).toEqual(["pending", "pending"]);
  });

  it("never continues while a source errors with onError inconclusive, and halts at the timeout", () => {
    const sequence = Array.from({ length: 5 }, () => ["pass", "error"] as CheckOutcome[]);
    const decisions = run(sequence, { gate: { onError: "inconclusive", consecutiveErrorLimit: 100 }, timing: { timeoutMs: 6 * 60_000 } });
    expect(decisions.slice(0, 4).every((d) => d.verdict === "pending")).toBe(true);
    expect(decisions[4]).toMatchObject({ verdict: "halt", isFinal: true });
    expect(decisions[4]?.reason).toMatch(/^Timeout: no continue within 6m/);
  });
});

describe("decideVerdict: limits of Argo Rollouts and Flagger", () => {
  it("resets the failure streak on an evaluation without failure", () => {
    const decisions = run([["fail", "inconclusive"], ["inconclusive", "inconclusive"], ["fail", "inconclusive"]], { gate: { failureLimit: 10, consecutiveFailureLimit: 1 } });
    expect(decisions.map((d) => d.state.consecutiveFailures)).toEqual([1, 0, 1]);
    expect(decisions.map((d) => d.verdict)).toEqual(["pending", "pending", "pending"]);
  });

  it("counts consecutive failures across evaluations that are not continue", () => {
    const decisions = run([["fail", "inconclusive"], ["inconclusive", "inconclusive"], ["fail", "inconclusive"], ["fail", "inconclusive"], ["fail", "inconclusive"]], { gate: { failureLimit: 10, consecutiveFailureLimit: 2 } });
    expect(decisions.map((d) => d.verdict)).toEqual(["pending", "pending", "pending", "pending", "halt"]);
    expect(decisions[4]?.reason).toMatch(/^3 evaluations in a row failed, more than the consecutive failure limit of 2/);
  });

  it("halts when inconclusive evaluations pass inconclusiveLimit", () => {
    const decisions = run([["inconclusive"], ["inconclusive"], ["inconclusive"]], { gate: { inconclusiveLimit: 2 } });
    expect(decisions.map((d) => d.verdict)).toEqual(["pending", "pending", "halt"]);
    expect(decisions[2]?.reason).toMatch(/^3 evaluations were inconclusive, more than the inconclusive limit of 2/);
  });

  it("halts after consecutiveErrorLimit source errors in a row, retrying sooner in between", () => {
    const decisions = run([["error"], ["error"], ["error"]], { gate: { onError: "inconclusive", consecutiveErrorLimit: 2 } });
    expect(decisions.map((d) => d.verdict)).toEqual(["pending", "pending", "halt"]);
    expect(decisions.map((d) => d.retrySooner)).toEqual([true, true, false]);
    expect(decisions[2]?.reason).toMatch(/^3 evaluations in a row could not read a source, more than the consecutive error limit of 2/);
    expect(run([["error"], ["pass"], ["error"]], { gate: { onError: "inconclusive", consecutiveErrorLimit: 1 } }).map((d) => d.state.consecutiveErrors)).toEqual([1, 0, 1]);
  });

  it("fails open or closed per check, and says so in the summary", () => {
    const open = run([["error", "pass"]], { extra: { onError: "pass" } });
    expect(open[0]).toMatchObject({ verdict: "continue" });
    expect(open[0]?.results[0]?.summary).toMatch(/\(fail-open: treated as pass\)$/);
    const closed = run([["nodata", "pass"]], { gate: { onNoData: "pass" }, extra: { onNoData: "fail" } });
    expect(closed[0]).toMatchObject({ verdict: "halt" });
    expect(closed[0]?.results[0]?.summary).toMatch(/\(fail-closed: treated as fail\)$/);
  });

  it("never lets a dry-run check decide, while keeping its real outcome", () => {
    const [decision] = run([["fail", "pass"]], { extra: { dryRun: true } });
    expect(decision).toMatchObject({ verdict: "continue", isFinal: true });
    expect(decision?.results[0]?.result).toBe("fail");
    expect(decision?.reason).toBe("All 1 checks pass (c1). Dry run, not enforced: c0: c0 is fail");
  });

  it("in watch mode continues only at the end of the duration, if nothing failed past the limit", () => {
    const watch = { durationMs: 4 * 60_000 };
    const decisions = run([["pass"], ["inconclusive"], ["pass"]], { timing: watch });
    expect(decisions.map((d) => d.verdict)).toEqual(["pending", "pending", "continue"]);
    expect(decisions[0]?.reason).toBe(`Watching until ${at(4).toISOString()}; no failure so far.`);
    expect(decisions[2]?.reason).toBe("Watched for 4m with 0 failed evaluation(s), within the failure limit of 0.");
    expect(run([["pass"], ["fail"]], { timing: watch }).map((d) => d.verdict)).toEqual(["pending", "halt"]);
  });
});

describe("nextEvaluationTime", () => {
  it("waits for the delay, then follows the interval, never past the timeout", () => {
    expect(nextEvaluationTime(timing, startedAt, at(0))).toEqual(at(1));
    expect(nextEvaluationTime(timing, startedAt, at(5))).toEqual(at(6));
    expect(nextEvaluationTime({ ...timing, intervalMs: 600_000 }, startedAt, at(55))).toEqual(at(60));
  });

  it("retries sooner after a source error, and stops at the watch duration", () => {
    expect(nextEvaluationTime(timing, startedAt, at(5), true)).toEqual(new Date(at(5).getTime() + 10_000));
    expect(nextEvaluationTime({ ...timing, durationMs: 10 * 60_000 }, startedAt, at(9.5))).toEqual(at(10));
  });
});

describe("scoreResults", () => {
  it("is Kayenta's weighted sum: the weighted share of passing checks, 0 with a failing critical check", () => {
    expect(scoreResults([check("a", "pass", { weight: 3 }), check("b", "fail", { weight: 1 })])).toEqual({ score: 75, classification: "marginal" });
    expect(scoreResults([check("a", "pass", { weight: 3 }), check("b", "fail", { critical: true })])).toEqual({ score: 0, classification: "fail" });
    expect(scoreResults([check("a", "pass", { weight: 1 }), check("b", "inconclusive", { weight: 2 })])?.score).toBe(33.33);
    expect(scoreResults([check("a", "pass"), check("b", "pass")])).toEqual({ score: 100, classification: "pass" });
    expect(scoreResults([check("a", "pass", { weight: 0 })])).toBeNull();
  });

  it("scores 0 when half the checks have no data, and leaves errors out", () => {
    const nodata = (name: string) => check(name, "inconclusive", { details: { ...check(name, "pass").details, rawResult: "nodata" } });
    expect(scoreResults([check("a", "pass"), nodata("b")])?.score).toBe(0);
    expect(scoreResults([check("a", "pass"), check("b", "pass"), nodata("c")])?.score).toBe(100);
    const errored = check("e", "inconclusive", { details: { ...check("e", "pass").details, rawResult: "error" } });
    expect(scoreResults([check("a", "pass"), check("b", "fail"), errored])?.score).toBe(50);
  });

  it("uses the gate's thresholds and says a marginal score in the reason", () => {
    const score = scoreResults([check("a", "pass", { weight: 4 }), check("b", "fail", { weight: 1 })], { pass: 90, marginal: 70 });
    expect(score).toEqual({ score: 80, classification: "marginal" });
    expect(describeScore("Failure 1 of 2 tolerated.", score, { pass: 90, marginal: 70 })).toBe("Failure 1 of 2 tolerated. Score 80 is marginal (pass at 90, marginal at 70).");
    expect(describeScore("All pass.", { score: 100, classification: "pass" }, { pass: 90, marginal: 70 })).toBe("All pass.");
  });
});
