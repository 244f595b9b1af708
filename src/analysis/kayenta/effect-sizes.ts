import { pooledRanks } from "../stats/rank-sum.js";
import { sortedCopy } from "../stats/summary.js";
import { commonsMean } from "./preprocess.js";

/** Kayenta's EffectSizes.meanRatio: mean(experiment) / mean(control), NaN when either mean is 0. */
export function meanRatio(experiment: readonly number[], control: readonly number[]): number {
  return ratioOfMeans(commonsMean(experiment), commonsMean(control));
}

/** meanRatio from the two means (commons-math's, as `commonsMean`). */
export function ratioOfMeans(experimentMean: number, controlMean: number): number {
  return experimentMean === 0 || controlMean === 0 ? Number.NaN : experimentMean / controlMean;
}

/**
 * Kayenta's EffectSizes.cles, the common-language effect size P(X > Y) + ½·P(X = Y) (McGraw & Wong 1992)
 * from the experiment's average-rank sum R1 in the pooled sample: (2·R1 − n(n+1)) / (2·n·m).
 */
export function cles(experiment: readonly number[], control: readonly number[]): number {
  return clesSorted(sortedCopy(experiment), sortedCopy(control));
}

/** `cles` of two samples already sorted ascending. */
export function clesSorted(experiment: Float64Array, control: Float64Array): number {
  const n = experiment.length;
  const m = control.length;
  const { rankSumX } = pooledRanks(experiment, control);
  return (2 * rankSumX - n * (n + 1)) / (2 * n * m);
}
