import { formatNumber, formatSetting, onSide, tooFewPoints } from "./judge-wording.js";
import type { Alternative } from "./stats/mann-whitney.js";
import { rateRatio } from "./stats/rate-ratio.js";
import type { CountTotals, Direction, Judgement, TestOutcome } from "./types.js";

export interface RateRatioCheckInput {
  baseline: CountTotals;
  canary: CountTotals;
  direction: Direction;
  /** Tolerated change of the error-rate ratio (0.1: canary up to 1.1× the baseline's rate). */
  tolerance: number;
  /** Two-sided confidence level of the ratio's interval. */
  confidence: number;
  /** Names the metric in the summary; "the canary's error rate" when absent. */
  metric?: string;
}

const alternatives: Record<Direction, Alternative> = { increase: "greater", decrease: "less", either: "two-sided" };

/**
 * Error-rate ratio canary/baseline (errors per request, exposure = total) with R's exact conditional
 * interval (`poisson.test`). Fail when the interval excludes 1 in the bad direction and the ratio is past
 * 1 ± tolerance; pass when the interval lies inside the tolerated band; else inconclusive. Zero errors on
 * both sides leave the ratio unbounded ([0, ∞)); that passes, because no regression of the error rate is
 * observable, and a ratio test could otherwise never pass an error-free service (see
 * docs/decisions/2026-11-23-verdict-semantics.md). A side
 * with no requests is inconclusive. Counts are rounded to whole events (Prometheus `increase()`
 * extrapolates to fractions). `baseline`/`canary` summaries are null: SampleSummary describes series,
 * and the sentence carries the counts.
 */
export function judgeRateRatio(input: RateRatioCheckInput): Judgement {
  const { direction, tolerance, confidence } = input;
  const canary = { events: Math.round(input.canary.errors), exposure: input.canary.total };
  const baseline = { events: Math.round(input.baseline.errors), exposure: input.baseline.total };
  if (!(canary.exposure > 0 && baseline.exposure > 0)) {
    return tooFewPoints({ baseline: baseline.exposure > 0 ? 1 : 0, canary: canary.exposure > 0 ? 1 : 0 }, "requests");
  }
  const ratio = rateRatio(canary, baseline, { confidence, alternative: "two-sided" });
  const { pValue } = rateRatio(canary, baseline, { confidence, alternative: alternatives[direction] });
  const [low, high] = [1 - tolerance, 1 + tolerance];
  const worse = (direction !== "decrease" && ratio.lower > 1 && ratio.estimate > high) || (direction !== "increase" && ratio.upper < 1 && ratio.estimate < low);
  const within = (direction === "decrease" || ratio.upper <= high) && (direction === "increase" || ratio.lower >= low);
  const noErrors = canary.events + baseline.events === 0;
  const result: TestOutcome = worse ? "fail" : within || noErrors ? "pass" : "inconclusive";
  const subject = input.metric ?? "The canary's error rate";
  const rates = `${rate(canary)} vs ${rate(baseline)}`;
  const level = `${formatSetting(confidence)} CI`;
  const tolerated = `the ${formatSetting(tolerance)} tolerance${onSide(direction)}`;
  const summary =
    noErrors
      ? `No errors in the canary or the baseline (${rates}): no error-rate regression to judge against ${tolerated}.`
      : `${subject} is ${formatNumber(ratio.estimate)}× the baseline's (${rates}; ${level} ${formatNumber(ratio.lower)}× to ${formatNumber(ratio.upper)}×)` +
        { fail: `, beyond ${tolerated}.`, pass: `, within ${tolerated}.`, inconclusive: `: not yet resolved against ${tolerated}.` }[result];
  return {
    result,
    summary,
    pValue,
    interval: Number.isNaN(ratio.estimate) ? null : { estimate: ratio.estimate, lower: ratio.lower, upper: ratio.upper },
    relativeChange: Number.isFinite(ratio.estimate) ? ratio.estimate - 1 : null,
    baseline: null,
    canary: null,
  };
}

/** "12/4000 = 0.3%". */
function rate(side: { events: number; exposure: number }): string {
  return `${side.events}/${formatNumber(side.exposure)} = ${formatNumber((100 * side.events) / side.exposure)}%`;
}
