import { InsufficientData } from "./insufficient-data.js";
import { pairwiseDifferenceSelector } from "./kth-pairwise-difference.js";
import { normalQuantile } from "./normal.js";
import { pooledRanks, sortedFinite, tieTerm, type PooledRanks } from "./rank-sum.js";

/** A shift of x relative to y (x minus y) and its two-sided confidence interval. */
export interface ShiftEstimate {
  estimate: number;
  lower: number;
  upper: number;
}

/**
 * Hodges-Lehmann shift x − y with the confidence interval that inverts the Wilcoxon rank-sum test, normal
 * approximation with tie and continuity correction: R `wilcox.test(x, y, conf.int = TRUE, exact = FALSE)`
 * (Bauer 1972). R's W(d) is a step function of d; away from its jumps U(d) counts the differences
 * x_i − y_j above d and the tie correction is that of the two samples alone, so each root R's `uniroot`
 * approaches is an order statistic of those differences. We find that order statistic exactly (no
 * uniroot tolerance) in O((n + m) log(n + m)). Where W sits on the target over a whole step (the
 * estimate when n·m is even) we take the middle of the step, which makes the estimate the median of the
 * pairwise differences. When the sample is too small for the level, the bound is ±Infinity where R
 * would return the end of its search range [min x − max y, max x − min y]. Throws InsufficientData when
 * a sample is empty.
 */
export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence: number): ShiftEstimate {
  const { xs, ys } = sortedSamples(x, y);
  return hodgesLehmannSorted(xs, ys, confidence);
}

/** `hodgesLehmann` on non-empty samples already sorted ascending. */
export function hodgesLehmannSorted(xs: Float64Array, ys: Float64Array, confidence: number): ShiftEstimate {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (xs.length === 0 || ys.length === 0) throw new InsufficientData("a shift needs at least one value in each sample");
  const n = xs.length;
  const m = ys.length;
  const total = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - (tieTerm(xs) + tieTerm(ys)) / (total * (total - 1))));
  const zq = -normalQuantile((1 - confidence) / 2);
  const { kth } = pairwiseDifferenceSelector(xs, ys);
  const shiftWhere = (target: number, correct: boolean): number => {
    const score = (u: number): number => {
      const dz = u - (n * m) / 2;
      return (dz - (correct ? Math.sign(dz) * 0.5 : 0)) / sigma;
    };
    return shiftBetween(kth, n * m, largestCount(n * m, (u) => score(u) <= target), largestCount(n * m, (u) => score(u) < target));
  };
  // The estimate first: its sweeps bracket the interval's ends too.
  const estimate = shiftWhere(0, false);
  return { estimate, lower: shiftWhere(zq, true), upper: shiftWhere(-zq, true) };
}

/**
 * R's W(d) − q: the standardised rank-sum statistic of (x − d, y), ties and continuity corrected, at one d,
 * exactly as `wilcox.test`'s inner function (and Kayenta's `wilcoxonDiff`) computes it, ties at d included.
 */
export function wilcoxonDiff(x: readonly number[], y: readonly number[], mu: number, q: number, opts: { correct?: boolean } = {}): number {
  const { xs, ys } = sortedSamples(x, y);
  return wilcoxonDiffSorted(xs, ys, mu, q, opts);
}

/** `wilcoxonDiff` on samples already sorted ascending. */
export function wilcoxonDiffSorted(xs: Float64Array, ys: Float64Array, mu: number, q: number, opts: { correct?: boolean } = {}): number {
  return wilcoxonScore(xs.length, ys.length, pooledRanks(xs, ys, mu), q, opts.correct !== false);
}

/** `wilcoxonDiff` from the pooled ranks of x − d (n values) and y (m values). */
export function wilcoxonScore(n: number, m: number, ranks: PooledRanks, q: number, correct: boolean): number {
  const total = n + m;
  const dz = ranks.rankSumX - (n * (n + 1)) / 2 - (n * m) / 2;
  const correction = correct ? Math.sign(dz) * 0.5 : 0;
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - ranks.tieTerm / (total * (total - 1))));
  return (dz - correction) / sigma - q;
}

function sortedSamples(x: readonly number[], y: readonly number[]): { xs: Float64Array; ys: Float64Array } {
  if (x.length === 0 || y.length === 0) throw new InsufficientData("a shift needs at least one value in each sample");
  return { xs: sortedFinite(x, "x"), ys: sortedFinite(y, "y") };
}

/** The largest u in 0..max with holds(u) (−1 if none), for a predicate that is true up to some u. */
function largestCount(max: number, holds: (u: number) => boolean): number {
  let lo = -1;
  let hi = max + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (holds(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The middle of the d where W(d) meets its target: from the smallest d at which at most `atMost` differences
 * exceed d (the (n·m − atMost)-th difference) to the smallest d at which at most `below` do. No d qualifies
 * when a count is < 0 (+Infinity); every d does when it is n·m (−Infinity).
 */
function shiftBetween(select: (k: number) => number, pairs: number, atMost: number, below: number): number {
  const at = (count: number): number => (count < 0 ? Infinity : count >= pairs ? -Infinity : select(pairs - count));
  return below === atMost ? at(atMost) : (at(atMost) + at(below)) / 2;
}
