import { wilcoxonScore } from "../stats/hodges-lehmann.js";
import { normalQuantile } from "../stats/normal.js";
import { sortedFinite } from "../stats/rank-sum.js";
import { shiftedRankSums } from "../stats/shifted-rank-sums.js";
import { zeroin } from "./zeroin.js";

/** Kayenta's shift of experiment over control with its interval; `lower > upper` can happen (heavy ties). */
export interface KayentaInterval {
  estimate: number;
  lower: number;
  upper: number;
  muMin: number;
  muMax: number;
}

/** Kayenta's MannWhitneyException: the rank-sum variance is zero. */
export class AllObservationsTied extends Error {
  constructor() {
    super("cannot compute confidence interval when all observations are tied");
    this.name = "AllObservationsTied";
  }
}

/**
 * Kayenta's MannWhitney.calculateConfidenceInterval (kayenta-mannwhitney, after R's wilcox.test, asymptotic):
 * each CI bound is the endpoint when W already has the target sign there, else the zeroin root of W(μ) ∓ z;
 * the estimate is the zeroin root of W(μ) with the ½ continuity correction kept and no endpoint short-cut.
 * `sorted` holds both samples already sorted ascending, for a caller that sorted them for other reasons.
 */
export function kayentaRankSumInterval(
  experiment: readonly number[],
  control: readonly number[],
  confLevel: number,
  sorted?: { experiment: Float64Array; control: Float64Array },
): KayentaInterval {
  if (experiment.length === 0 || control.length === 0) throw new RangeError("a rank-sum interval needs data on both sides");
  const muMin = minOf(experiment) - maxOf(control);
  const muMax = maxOf(experiment) - minOf(control);
  const xs = sorted ? finiteSorted(sorted.experiment, "experiment") : sortedFinite(experiment, "experiment");
  const ys = sorted ? finiteSorted(sorted.control, "control") : sortedFinite(control, "control");
  // W(μ) and W(μ) − q share their ranks: the three roots and their endpoints reuse every evaluation.
  const ranksAt = shiftedRankSums(xs, ys);
  const w = (mu: number, q: number): number => {
    const value = wilcoxonScore(xs.length, ys.length, ranksAt(mu), q, true);
    // σ = 0 (every pooled value tied) makes W = 0/0.
    if (Number.isNaN(value)) throw new AllObservationsTied();
    return value;
  };
  const root = (q: number): number => {
    const atMin = w(muMin, q);
    const atMax = w(muMax, q);
    if (atMin <= 0) return muMin;
    if (atMax >= 0) return muMax;
    return zeroin((mu) => w(mu, q), muMin, muMax, atMin, atMax);
  };
  const z = normalQuantile((1 - confLevel) / 2);
  const lower = root(-z);
  const upper = root(z);
  const estimate = zeroin((mu) => w(mu, 0), muMin, muMax, w(muMin, 0), w(muMax, 0));
  return { estimate, lower, upper, muMin, muMax };
}

/** An ascending sample is finite when its ends are (a NaN sorts last). */
function finiteSorted(sorted: Float64Array, name: string): Float64Array {
  if (!(Number.isFinite(sorted[0]) && Number.isFinite(sorted[sorted.length - 1]))) throw new RangeError(`${name} holds a non-finite value`);
  return sorted;
}

function minOf(values: readonly number[]): number {
  let min = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
  }
  return min;
}

function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v > max) max = v;
  }
  return max;
}
