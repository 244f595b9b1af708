import { InsufficientData } from "./insufficient-data.js";
import { normalCdf } from "./normal.js";
import { sortedFinite } from "./rank-sum.js";
import { shiftedRankSums } from "./shifted-rank-sums.js";

/** Which shift of the first sample the test looks for. */
export type Alternative = "two-sided" | "greater" | "less";

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs with x > y, ties counting one half. */
  u: number;
  /** The corrected normal score whose tail gives the p-value (R's `z`). */
  z: number;
  pValue: number;
}

/**
 * Mann-Whitney U, normal approximation with tie and continuity correction; equals SciPy
 * `mannwhitneyu(x, y, alternative, method="asymptotic")` and R `wilcox.test(x, y, exact = FALSE)`.
 * Throws InsufficientData when a sample is empty. When every value is tied the test has no
 * information and the p-value is 1 (SciPy's answer with continuity correction; R returns NaN).
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative,
  opts: { continuity?: boolean } = {},
): MannWhitneyResult {
  return mannWhitneyUSorted(sortedFinite(x, "x"), sortedFinite(y, "y"), alternative, opts);
}

/** `mannWhitneyU` on samples already sorted ascending, for callers that sort once for several statistics. */
export function mannWhitneyUSorted(
  xs: Float64Array,
  ys: Float64Array,
  alternative: Alternative,
  opts: { continuity?: boolean } = {},
): MannWhitneyResult {
  if (xs.length === 0 || ys.length === 0) throw new InsufficientData("Mann-Whitney U needs at least one value in each sample");
  const n = xs.length;
  const m = ys.length;
  const { rankSumX, tieTerm } = shiftedRankSums(xs, ys)(0);
  const u = rankSumX - (n * (n + 1)) / 2;
  const total = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1))));
  if (sigma === 0) return { u, z: 0, pValue: 1 };
  const delta = u - (n * m) / 2;
  const correction = opts.continuity === false ? 0 : alternative === "greater" ? 0.5 : alternative === "less" ? -0.5 : Math.sign(delta) * 0.5;
  const z = (delta - correction) / sigma;
  const pValue = alternative === "greater" ? normalCdf(-z) : alternative === "less" ? normalCdf(z) : Math.min(1, 2 * normalCdf(-Math.abs(z)));
  return { u, z, pValue };
}
