import { formatNumber, tooFewPoints } from "./judge-wording.js";
import { aggregateSorted, summarizeSorted, type Aggregate } from "./stats/summary.js";
import type { Judgement } from "./types.js";

export interface ThresholdCheckInput {
  canary: readonly number[];
  aggregate: Aggregate;
  min?: number | undefined;
  max?: number | undefined;
  /** Names the metric in the summary; "the canary" when absent. */
  metric?: string;
}

/**
 * Absolute threshold on one aggregate of the canary: fail when it is above `max` or below `min` (the bounds
 * themselves pass), else pass. No baseline. Non-finite values are dropped first. A check with neither
 * bound is inconclusive (the gate schema rejects it, so this only guards direct callers).
 */
export function judgeThreshold(input: ThresholdCheckInput): Judgement {
  const canary = Float64Array.from(input.canary.filter(Number.isFinite)).sort();
  if (canary.length < 1) return tooFewPoints({ canary: 0 });
  const { aggregate, min, max } = input;
  const value = aggregateSorted(canary, aggregate);
  const subject = input.metric === undefined ? `The canary's ${aggregate}` : `${input.metric} (${aggregate})`;
  // Never let an aggregate that is not a number pass a threshold by failing every comparison.
  if (!Number.isFinite(value)) return { result: "inconclusive", summary: `${subject} is not a finite number, so the threshold cannot be judged.`, pValue: null, interval: null, relativeChange: null, baseline: null, canary: null };
  const is = `${subject} is ${formatNumber(value)}`;
  const [result, summary] =
    max !== undefined && value > max ? (["fail", `${is}, above the maximum of ${formatNumber(max)}.`] as const)
      : min !== undefined && value < min ? (["fail", `${is}, below the minimum of ${formatNumber(min)}.`] as const)
        : min !== undefined && max !== undefined ? (["pass", `${is}, within ${formatNumber(min)} to ${formatNumber(max)}.`] as const)
          : max !== undefined ? (["pass", `${is}, at or below the maximum of ${formatNumber(max)}.`] as const)
            : min !== undefined ? (["pass", `${is}, at or above the minimum of ${formatNumber(min)}.`] as const)
              : (["inconclusive", `${is}, but the check sets neither a minimum nor a maximum.`] as const);
  return { result, summary, pValue: null, interval: null, relativeChange: null, baseline: null, canary: summarizeSorted(canary) };
}
