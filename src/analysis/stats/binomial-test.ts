import betainc from "@stdlib/math-base-special-betainc";
import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";
import binomialPmf from "@stdlib/stats-base-dists-binomial-pmf";
import type { Alternative } from "./mann-whitney.js";

export interface BinomialTestResult {
  pValue: number;
  /** Clopper-Pearson interval for the success probability: two-sided, or one-sided for a one-sided test. */
  lower: number;
  upper: number;
}

/**
 * Exact binomial test of x successes in n trials against probability p, with the Clopper-Pearson interval,
 * as R's `binom.test(x, n, p, alternative, conf.level)`: the two-sided p-value sums the outcomes no more
 * likely than x (R's relative tolerance 1 + 1e-7), and tails come from the regularized incomplete beta.
 */
export function binomialTest(x: number, n: number, p: number, alternative: Alternative, confidence: number): BinomialTestResult {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(x) && x >= 0 && x <= n)) throw new RangeError(`need integers 0 ≤ x ≤ n, n ≥ 1 (x = ${x}, n = ${n})`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const lowerBound = (alpha: number): number => (x === 0 ? 0 : betaQuantile(alpha, x, n - x + 1));
  const upperBound = (alpha: number): number => (x === n ? 1 : betaQuantile(1 - alpha, x + 1, n - x));
  const alpha = 1 - confidence;
  if (alternative === "less") return { pValue: atMost(x, n, p), lower: 0, upper: upperBound(alpha) };
  if (alternative === "greater") return { pValue: above(x - 1, n, p), lower: lowerBound(alpha), upper: 1 };
  return { pValue: twoSided(x, n, p), lower: lowerBound(alpha / 2), upper: upperBound(alpha / 2) };
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
function atMost(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  return k >= n ? 1 : betainc(p, k + 1, n - k, true, true);
}

/** P(X > k), computed directly so small upper tails keep their precision. */
function above(k: number, n: number, p: number): number {
  if (k < 0) return 1;
  return k >= n ? 0 : betainc(p, k + 1, n - k, true, false);
}

/** R's two-sided p-value: P(x) plus the far tail's outcomes with probability ≤ P(x)·(1 + 1e-7). */
function twoSided(x: number, n: number, p: number): number {
  if (p === 0) return x === 0 ? 1 : 0;
  if (p === 1) return x === n ? 1 : 0;
  const limit = binomialPmf(x, n, p) * (1 + 1e-7);
  const mean = n * p;
  if (x === mean) return 1;
  // The pmf falls monotonically away from the mode, and the mode lies within one of the mean, so a
  // binary search finds where the far tail drops under `limit` (R scans it term by term: O(n)).
  if (x < mean) {
    const first = firstIndex(Math.ceil(mean), n, (i) => binomialPmf(i, n, p) <= limit);
    return Math.min(1, atMost(x, n, p) + above(first - 1, n, p));
  }
  const last = firstIndex(0, Math.floor(mean), (i) => binomialPmf(i, n, p) > limit) - 1;
  return Math.min(1, atMost(last, n, p) + above(x - 1, n, p));
}

/** The first i in from..to where `holds` turns true (to + 1 if it never does), for a predicate that stays true once true. */
function firstIndex(from: number, to: number, holds: (i: number) => boolean): number {
  let lo = from;
  let hi = to + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (holds(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
