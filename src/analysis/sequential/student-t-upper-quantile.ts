import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";

/**
 * Upper-tail quantile of Student's t with ν degrees of freedom, the t with P(T > t) = p for 0 < p ≤ ½, through
 * the Beta quantile: ν/(ν + T²) ~ Beta(ν/2, ½), so t = √(ν(1 − x)/x) with x = Beta⁻¹(2p; ν/2, ½). Small p keeps
 * its relative precision. SciPy: stats.t.isf(p, ν).
 */
export function studentTUpperQuantile(p: number, nu: number): number {
  const x = betaQuantile(2 * p, nu / 2, 0.5);
  return Math.sqrt((nu * (1 - x)) / x);
}
