import { describeRelative, formatNumber, formatSetting, onSide, tooFewPoints } from "./judge-wording.js";
import { aggregateSorted, summarizeSorted, type Aggregate } from "./stats/summary.js";
import type { Direction, Judgement } from "./types.js";

export interface RelativeCheckInput {
  baseline: readonly number[];
  canary: readonly number[];
  direction: Direction;
  /** Tolerated relative change of the aggregate (0.05 = 5%). */
  tolerance: number;
  aggregate: Aggregate;
  /** Names the metric in the summary; "the canary" when absent. */
  metric?: string;
}

/**
 * Relative change of one aggregate, canary against baseline: fail when it is past the tolerance in the bad
 * direction, else pass. A plain comparison of two numbers, without interval or p-value: it cannot say
 * "not sure yet", so noisy metrics belong with a statistical test. Non-finite values are dropped first.
 * Against a baseline of exactly 0, any change is infinitely large: it fails in the bad direction.
 */
export function judgeRelative(input: RelativeCheckInput): Judgement {
  const baseline = Float64Array.from(input.baseline.filter(Number.isFinite)).sort();
  const canary = Float64Array.from(input.canary.filter(Number.isFinite)).sort();
  if (baseline.length < 1 || canary.length < 1) return tooFewPoints({ baseline: baseline.length, canary: canary.length });
  const { direction, tolerance, aggregate } = input;
  const before = aggregateSorted(baseline, aggregate);
  const after = aggregateSorted(canary, aggregate);
  const relativeChange = before === 0 ? (after === 0 ? 0 : null) : (after - before) / Math.abs(before);
  const higher = relativeChange === null ? after > before : relativeChange > tolerance;
  const lower = relativeChange === null ? after < before : relativeChange < -tolerance;
  const result = (direction !== "decrease" && higher) || (direction !== "increase" && lower) ? "fail" : "pass";
  const subject = input.metric === undefined ? `The canary's ${aggregate}` : `${input.metric} (${aggregate})`;
  const change =
    relativeChange === null
      ? `${subject} is ${formatNumber(after)} against a baseline of 0`
      : `${subject} is ${describeRelative(relativeChange)} the baseline (${formatNumber(after)} vs ${formatNumber(before)})`;
  const tolerated = `the ${formatSetting(tolerance)} tolerance${onSide(direction)}`;
  return {
    result,
    summary: `${change}, ${result === "fail" ? "beyond" : "within"} ${tolerated}.`,
    pValue: null,
    interval: null,
    relativeChange,
    baseline: summarizeSorted(baseline),
    canary: summarizeSorted(canary),
  };
}
