import erfc from "@stdlib/math-base-special-erfc";
import erfcinv from "@stdlib/math-base-special-erfcinv";

// Through erfc (FreeBSD msun, Sun 1993) and erfcinv (Boost's rational approximations), both within a few
// ulps, so tail probabilities keep their relative precision (Φ(-9) is 1.1e-19, not 0).

/** Standard normal CDF Φ(z) = erfc(-z/√2) / 2. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal quantile Φ⁻¹(p) = -√2 erfcinv(2p); ±Infinity at p = 0 and 1. */
export function normalQuantile(p: number): number {
  // 2p is exact for small p and 2(1 - p) is exact for p ≥ 0.5, so both tails keep full precision.
  return p <= 0.5 ? -Math.SQRT2 * erfcinv(2 * p) : Math.SQRT2 * erfcinv(2 * (1 - p));
}
