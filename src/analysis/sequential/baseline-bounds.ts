import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";

/** A one-sided bound on each side, each wrong with probability at most the α it was built with. */
export interface Bounds {
  lower: number;
  upper: number;
}

/**
 * Clopper-Pearson (1934) bounds for a share from x of n, each side one-sided at α: lower = Beta⁻¹(α; x, n − x + 1),
 * upper = 1 − Beta⁻¹(α; n − x, x + 1) (the mirror image, so a tiny α keeps its precision). Through the Beta
 * quantile, accurate to ~1e-10 at any size; not through Gamma quantiles, whose stdlib version (gammainc 0.3.1)
 * is off by up to 18% for shapes above ~850, so exact Poisson (Garwood) bounds are not used.
 */
export function clopperPearsonBounds(x: number, n: number, alpha: number): Bounds {
  return { lower: clopperPearsonLower(x, n, alpha), upper: clopperPearsonUpper(x, n, alpha) };
}

/** The lower side of `clopperPearsonBounds` alone. */
export function clopperPearsonLower(x: number, n: number, alpha: number): number {
  return x === 0 ? 0 : betaQuantile(alpha, x, n - x + 1);
}

/** The upper side of `clopperPearsonBounds` alone. */
export function clopperPearsonUpper(x: number, n: number, alpha: number): number {
  return x >= n ? 1 : 1 - betaQuantile(alpha, n - x, x + 1);
}

/** A fixed sample's Clopper-Pearson bounds, each side as a function of α. */
export interface BoundsAt {
  lower: (alpha: number) => number;
  upper: (alpha: number) => number;
}

/**
 * The bounds of one fixed sample (x of n) at any α, each side remembering its last answer: a sequential test
 * asks for the baseline's bound at its running p-value look after look, and that α moves only when the test
 * fires, so each evaluation pays for the Beta quantile about once instead of once per step.
 */
export function clopperPearsonAt(x: number, n: number): BoundsAt {
  const remembered = (bound: (x: number, n: number, alpha: number) => number) => {
    let lastAlpha = Number.NaN;
    let last = Number.NaN;
    return (alpha: number) => {
      if (alpha !== lastAlpha) {
        last = bound(x, n, alpha);
        lastAlpha = alpha;
      }
      return last;
    };
  };
  return { lower: remembered(clopperPearsonLower), upper: remembered(clopperPearsonUpper) };
}
