import { pooledRanks } from "../stats/rank-sum.js";
import { sortedCopy } from "../stats/summary.js";
import { commonsMean } from "./preprocess.js";

/** Kayenta's EffectSizes.meanRatio: mean(experiment) / mean(control), NaN when either mean is 0. */
export function meanRatio(experiment: readonly number[], control: readonly number[]): number {
  const experimentMean = commonsMean(experiment);
  const controlMean = commonsMean(control);
  return experimentMean === 0 || controlMean === 0 ? Number.NaN : experimentMean / controlMean;
}

/**
 * Kayenta's EffectSizes.cles, the common-language effect size P(X > Y) + ½·P(X = Y) (McGraw & Wong 1992)
 * from the experiment's average-rank sum R1 in the pooled sample: (2·R1 − n(n+1)) / (2·n·m).
 */
export function cles(experiment: readonly number[], control: readonly number[]): number {
  const n = experiment.length;
  const m = control.length;
  const { rankSumX } = pooledRanks(sortedCopy(experiment), sortedCopy(control));
  return (2 * rankSumX - n * (n + 1)) / (2 * n * m);
}
