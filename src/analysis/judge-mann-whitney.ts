import { describeRelative, formatSetting, formatSigned, formatSignedPercent, onSide, tooFewPoints } from "./judge-wording.js";
import { hodgesLehmannSorted } from "./stats/hodges-lehmann.js";
import { mannWhitneyUSorted, type Alternative } from "./stats/mann-whitney.js";
import { sortFloat64 } from "./stats/sort-float64.js";
import { summarizeSorted } from "./stats/summary.js";
import type { Direction, Judgement, TestOutcome } from "./types.js";

export interface MannWhitneyCheckInput {
  baseline: readonly number[];
  canary: readonly number[];
  direction: Direction;
  /** Tolerated change as a fraction of the baseline median's magnitude (0.05 = 5%). */
  tolerance: number;
  /** Two-sided confidence level of the shift's interval (Kayenta uses 0.98). */
  confidence: number;
  /** Names the metric in the summary; "the canary" when absent. */
  metric?: string;
}

const alternatives: Record<Direction, Alternative> = { increase: "greater", decrease: "less", either: "two-sided" };

/**
 * Kayenta's fixed-horizon test: the Hodges-Lehmann shift canary − baseline with its two-sided interval, and
 * the Mann-Whitney U p-value one-sided in the bad direction. Fail when the interval excludes 0 in the bad
 * direction and the shift is past tolerance × |baseline median| (significance and size, as Kayenta); pass
 * when the whole interval lies inside that band; else inconclusive. Not anytime-valid: each repeated look
 * spends error rate again. Non-finite values (NaN from empty Prometheus windows) are dropped first.
 */
export function judgeMannWhitney(input: MannWhitneyCheckInput): Judgement {
  const baseline = finiteSorted(input.baseline);
  const canary = finiteSorted(input.canary);
  if (baseline.length < 1 || canary.length < 1) return tooFewPoints({ baseline: baseline.length, canary: canary.length });
  const { direction, tolerance, confidence } = input;
  const baselineSummary = summarizeSorted(baseline);
  const shift = hodgesLehmannSorted(canary, baseline, confidence);
  const { pValue } = mannWhitneyUSorted(canary, baseline, alternatives[direction]);
  const reference = Math.abs(baselineSummary.median);
  const band = tolerance * reference;
  const worse = (direction !== "decrease" && shift.lower > 0 && shift.estimate > band) || (direction !== "increase" && shift.upper < 0 && shift.estimate < -band);
  const within = (direction === "decrease" || shift.upper <= band) && (direction === "increase" || shift.lower >= -band);
  const result: TestOutcome = worse ? "fail" : within ? "pass" : "inconclusive";
  const subject = input.metric ?? "The canary";
  const level = `${formatSetting(confidence)} CI`;
  const change =
    reference === 0
      ? `${subject} shifts by ${formatSigned(shift.estimate)} from a baseline median of 0 (${level} ${formatSigned(shift.lower)} to ${formatSigned(shift.upper)})`
      : `${subject} is ${describeRelative(shift.estimate / reference)} the baseline (${level} ${formatSignedPercent(shift.lower / reference)} to ${formatSignedPercent(shift.upper / reference)})`;
  const tolerated = `the ${formatSetting(tolerance)} tolerance${onSide(direction)}`;
  const verdict = {
    fail: `, beyond ${tolerated}.`,
    pass: `, within ${tolerated}.`,
    inconclusive: Number.isFinite(shift.lower) && Number.isFinite(shift.upper) ? `: not yet resolved against ${tolerated}.` : `: too few points to bound the change at this confidence.`,
  }[result];
  return {
    result,
    summary: change + verdict,
    pValue,
    interval: shift,
    relativeChange: reference === 0 ? null : shift.estimate / reference,
    baseline: baselineSummary,
    canary: summarizeSorted(canary),
  };
}

/** The finite values, sorted ascending, copied in one pass. */
function finiteSorted(values: readonly number[]): Float64Array {
  const finite = new Float64Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite[count++] = values[i] as number;
  return sortFloat64(count === values.length ? finite : finite.slice(0, count));
}
