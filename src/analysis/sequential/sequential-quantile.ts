import { clopperPearsonAt, clopperPearsonBounds, type Bounds, type BoundsAt } from "./baseline-bounds.js";
import { betaMixtureInterval, betaMixtureLogMarginal, directionalBetaPrior, type BetaPrior } from "./beta-mixture.js";
import { checkParams, formatInterval, formatPercent, formatTolerance, isRegression, isWithinBaselineBand } from "./classify-change.js";
import { smallestFiringAlpha } from "./find-root.js";
import { checkSameBounds, readHistogram } from "./read-histogram.js";
import { MIN_P, eValueOf, type HistogramCounts, type SequentialJudgement, type SequentialParams } from "./types.js";

// Method: the share of canary requests above b, the baseline's q-quantile bucket bound (the smallest bound with
// baseline CDF ≥ q), against the baseline's share above b, by a union bound as for rates. The baseline gets
// Clopper-Pearson bounds at α/2 one-sided (α/4 for "either"), divided by the number of finite bounds because
// b is picked with the baseline's own counts (Bonferroni makes the bounds hold at every b at once). The canary
// gets the Beta-binomial mixture confidence sequence (Howard et al. 2021; the Beta mixture of research §1.3 with
// "above b" as one category) at α/2, prior Beta(kp, k(1 − p)) with k = φ/min(p, 1 − p) around the baseline's
// share p (fixed before any canary data), so θ/p has prior mean 1 and variance ≈ 1/φ, as the gamma-Poisson φ,
// weighted 90% to the bad side for a one-sided direction (see directionalBetaPrior).

export interface SequentialQuantileParams extends SequentialParams {
  /** The quantile compared, e.g. 0.99; `tolerance` is on the share of requests above its bucket bound. */
  quantile: number;
  /** Prior precision of the relative change of the share above b. Default 10. */
  phi?: number;
}

/** Requests above the compared bound, of all requests. */
interface TailCount {
  above: number;
  total: number;
}

export interface SequentialQuantileState {
  params: Required<SequentialQuantileParams>;
  /** The histogram's finite bounds; every canary step must use the same. */
  bounds: number[];
  /** Index of b in `bounds`; null when the baseline's quantile lies in the +Inf bucket (nothing to compare). */
  bucket: number | null;
  baseline: TailCount & Bounds;
  prior: BetaPrior;
  canary: TailCount;
  /** Running intersection of the canary's confidence sequence for its share above b. */
  lower: number;
  upper: number;
  pValue: number;
  failed: boolean;
}

export function initSequentialQuantile(params: SequentialQuantileParams, baseline: HistogramCounts): SequentialQuantileState {
  checkParams(params);
  if (!(params.quantile > 0 && params.quantile < 1)) throw new RangeError(`quantile must be in (0, 1), got ${params.quantile}`);
  const full = { ...params, phi: params.phi ?? 10 };
  const { bounds, cumulative, total } = readHistogram(baseline);
  const found = cumulative.findIndex((count) => count >= params.quantile * total);
  const bucket = total > 0 && found >= 0 ? found : null;
  const above = bucket === null ? 0 : total - (cumulative[bucket] as number);
  const share = (above + 0.5) / (total + 1);
  const k = full.phi / Math.min(share, 1 - share);
  return {
    params: full,
    bounds,
    bucket,
    baseline: { above, total, ...(bucket === null ? { lower: 0, upper: 1 } : clopperPearsonBounds(above, total, baselineAlpha(full, full.alpha, bounds.length))) },
    prior: directionalBetaPrior(params.direction, k, share),
    canary: { above: 0, total: 0 },
    lower: 0,
    upper: 1,
    pValue: 1,
    failed: false,
  };
}

/** Adds the canary's per-step histogram increments (requests in that step) in time order; every step is a look. */
export function updateSequentialQuantile(state: SequentialQuantileState, steps: readonly HistogramCounts[]): SequentialQuantileState {
  const next = structuredClone(state);
  const baselineBound = clopperPearsonAt(next.baseline.above, next.baseline.total);
  for (const histogram of steps) {
    const step = readHistogram(histogram);
    checkSameBounds(next.bounds, step);
    if (next.bucket === null) continue;
    next.canary.above += step.total - (step.cumulative[next.bucket] as number);
    next.canary.total += step.total;
    if (next.canary.total > 0) look(next, baselineBound);
  }
  return next;
}

export function judgeSequentialQuantile(state: SequentialQuantileState): SequentialJudgement {
  const { params, baseline, canary, bucket } = state;
  const change = relativeInterval(state);
  const evidence = { pValue: state.pValue, eValue: eValueOf(-Math.log(state.pValue)), interval: change };
  const q = `p${+(params.quantile * 100).toPrecision(4)}`;
  if (bucket === null) {
    const why = baseline.total === 0 ? "the baseline histogram is empty" : `the baseline's ${q} lies above the largest finite bucket bound`;
    return { result: "inconclusive", ...evidence, summary: `Cannot compare the ${q}: ${why}.` };
  }
  const share = (count: TailCount): string => `${(100 * (count.above / Math.max(count.total, 1))).toPrecision(3)}%`;
  const what = `canary requests above ${state.bounds[bucket]} (the baseline's ${q} bucket): ${share(canary)} of ${canary.total} vs ${share(baseline)} of ${baseline.total}`;
  const band = formatInterval(params.alpha, change);
  if (state.failed) return { result: "fail", ...evidence, summary: `Share of ${what}, ${formatPercent(change.estimate)} (${band}), beyond the ${formatTolerance(params.tolerance)} tolerance.` };
  if (canary.total === 0) return { result: "inconclusive", ...evidence, summary: "Waiting for canary requests." };
  if (isWithinBaselineBand(params, baseline, state)) return { result: "pass", ...evidence, summary: `Within ${formatTolerance(params.tolerance)} of the baseline's confidence bound: share of ${what} (${band}).` };
  return { result: "inconclusive", ...evidence, summary: `Not resolved yet: share of ${what}, ${formatPercent(change.estimate)} (${band}).` };
}

/** Per-side α of the baseline's bounds, shared among every bound b could have been. */
function baselineAlpha(params: SequentialParams, alpha: number, boundCount: number): number {
  return (params.direction === "either" ? alpha / 4 : alpha / 2) / boundCount;
}

function look(state: SequentialQuantileState, baselineBound: BoundsAt): void {
  const { params, canary, prior } = state;
  const below = canary.total - canary.above;
  const logMarginal = betaMixtureLogMarginal(canary.above, below, prior);
  const cs = betaMixtureInterval(canary.above, below, logMarginal, params.alpha / 2);
  state.lower = Math.max(state.lower, cs.lower);
  state.upper = Math.min(state.upper, cs.upper);
  const top = canary.above / canary.total;
  // How far θ is outside the canary's sequence at level a/2 (≥ 0: excluded), rising with a.
  const outside = (theta: number, a: number): number => logMarginal + Math.log(a / 2) - canary.above * Math.log(theta) - below * Math.log1p(-theta);
  const margin = (a: number): number => {
    const side = baselineAlpha(params, a, state.bounds.length);
    let worst = -Infinity;
    if (params.direction !== "decrease") {
      const upper = baselineBound.upper(side);
      if (upper < top) worst = outside(upper, a);
    }
    if (params.direction !== "increase") {
      const lower = baselineBound.lower(side);
      if (lower > top) worst = Math.max(worst, outside(lower, a));
    }
    return worst;
  };
  if (margin(state.pValue) >= 0) state.pValue = smallestFiringAlpha(margin, MIN_P, state.pValue);
  if (isRegression(params.direction, params.tolerance, relativeInterval(state))) state.failed = true;
}

/** Relative change of the share above b: the estimate ½-corrected so one zero count stays finite, 0 with none. */
function relativeInterval(state: SequentialQuantileState): { estimate: number; lower: number; upper: number } {
  const { baseline, canary } = state;
  const hasTail = canary.above + baseline.above > 0;
  const estimate = canary.total > 0 && hasTail ? (canary.above + 0.5) / (canary.total + 1) / ((baseline.above + 0.5) / (baseline.total + 1)) - 1 : 0;
  return { estimate, lower: state.lower / baseline.upper - 1, upper: baseline.lower === 0 ? Infinity : state.upper / baseline.lower - 1 };
}
