import { wilcoxonDiffSorted } from "../stats/hodges-lehmann.js";
import { sortedFinite } from "../stats/rank-sum.js";
import { normalQuantile } from "../stats/normal.js";
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
 */
export function kayentaRankSumInterval(experiment: readonly number[], control: readonly number[], confLevel: number): KayentaInterval {
  if (experiment.length === 0 || control.length === 0) throw new RangeError("a rank-sum interval needs data on both sides");
  const muMin = minOf(experiment) - maxOf(control);
  const muMax = maxOf(experiment) - minOf(control);
  // Sorted once: each W(μ) is then one O(n + m) merge, however many times zeroin asks.
  const xs = sortedFinite(experiment, "experiment");
  const ys = sortedFinite(control, "control");
  const w = (mu: number, q: number): number => {
    const value = wilcoxonDiffSorted(xs, ys, mu, q);
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

function minOf(values: readonly number[]): number {
  let min = Infinity;
  for (const v of values) if (v < min) min = v;
  return min;
}

function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}
