import type { CountTotals } from "../types.js";
import { clopperPearsonAt, clopperPearsonBounds, type Bounds, type BoundsAt } from "./baseline-bounds.js";
import { checkParams, formatInterval, formatPercent, formatTolerance, isRegression, isWithinBaselineBand } from "./classify-change.js";
import { smallestFiringAlpha } from "./find-root.js";
import { gammaPoissonInterval, gammaPoissonLogM } from "./gamma-poisson.js";
import { eValueOf, MIN_P, type SequentialJudgement, type SequentialParams } from "./types.js";

// Method: a union bound of two pieces (research §1.4, §2.2). The fixed pre-deployment baseline gets exact
// binomial (Clopper-Pearson) bounds on its error share at α/2 one-sided (α/4 per side for "either"). The accruing
// canary gets the two-sided gamma-Poisson mixture confidence sequence of Lindon & Kallus at α/2, with
// Λ = rate × requests (valid for Bernoulli requests too, see gammaPoissonLogM), so exposures may vary from poll
// to poll. Both hold at once with probability ≥ 1 − α, so the canary is a regression when its sequence clears
// the baseline's bound. A fixed baseline's uncertainty never shrinks, and is relatively unbounded when it saw no
// errors, so `pass` compares the canary's sequence with (1 + tolerance) × the baseline's bound on the bad side:
// a canary with no errors passes once it has seen a few times the baseline's requests.

export interface SequentialRateParams extends SequentialParams {
  /** Gamma mixing precision φ: the prior on the canary's rate multiplier has mean 1 and variance 1/φ. Default 10. */
  phi?: number;
}

export interface SequentialRateState {
  params: Required<SequentialRateParams>;
  /** The baseline's errors and requests, with its bounds at the kernel's split of α (rates per request). */
  baseline: CountTotals & Bounds;
  canary: CountTotals;
  /** Running intersection of the canary's rate confidence sequence; null before any canary request. */
  lower: number;
  upper: number | null;
  pValue: number;
  failed: boolean;
}

export function initSequentialRate(params: SequentialRateParams, baseline: CountTotals): SequentialRateState {
  checkParams(params);
  checkCounts(baseline);
  const full = { ...params, phi: params.phi ?? 10 };
  const bounds = baseline.total > 0 ? clopperPearsonBounds(baseline.errors, baseline.total, baselineAlpha(full, full.alpha)) : { lower: 0, upper: 0 };
  return { params: full, baseline: { ...baseline, ...bounds }, canary: { errors: 0, total: 0 }, lower: 0, upper: null, pValue: 1, failed: false };
}

/** Adds the canary's per-step counts in time order; every step is a look. */
export function updateSequentialRate(state: SequentialRateState, steps: readonly CountTotals[]): SequentialRateState {
  const next = structuredClone(state);
  const baselineBound = clopperPearsonAt(next.baseline.errors, next.baseline.total);
  for (const step of steps) {
    checkCounts(step);
    next.canary.errors += step.errors;
    next.canary.total += step.total;
    if (next.canary.total > 0 && next.baseline.total > 0) look(next, baselineBound);
  }
  return next;
}

export function judgeSequentialRate(state: SequentialRateState): SequentialJudgement {
  const { params, baseline, canary } = state;
  const change = relativeInterval(state);
  const evidence = { pValue: state.pValue, eValue: eValueOf(-Math.log(state.pValue)), interval: change };
  const rates = `${canary.errors} errors in ${canary.total} canary requests vs ${baseline.errors} in ${baseline.total} baseline`;
  const band = formatInterval(params.alpha, change);
  if (state.failed) return { result: "fail", ...evidence, summary: `Canary error rate changed ${formatPercent(change.estimate)} (${band}; ${rates}), beyond the ${formatTolerance(params.tolerance)} tolerance.` };
  if (baseline.total === 0) return { result: "inconclusive", ...evidence, summary: "The baseline saw no requests, so there is no rate to compare with." };
  if (state.upper === null) return { result: "inconclusive", ...evidence, summary: "Waiting for canary requests." };
  if (isWithinBaselineBand(params, baseline, { lower: state.lower, upper: state.upper })) {
    return { result: "pass", ...evidence, summary: `Canary error rate is within ${formatTolerance(params.tolerance)} of the baseline's confidence bound: ${formatPercent(change.estimate)} (${band}; ${rates}).` };
  }
  return { result: "inconclusive", ...evidence, summary: `Not resolved yet: canary error rate ${formatPercent(change.estimate)} (${band}; ${rates}).` };
}

/** Per-side α of the baseline's bounds; the canary's two-sided sequence gets the other α/2. */
function baselineAlpha(params: SequentialParams, alpha: number): number {
  return params.direction === "either" ? alpha / 4 : alpha / 2;
}

function look(state: SequentialRateState, baselineBound: BoundsAt): void {
  const { params, canary } = state;
  const cs = gammaPoissonInterval(canary.errors, params.phi, params.alpha / 2);
  state.lower = Math.max(state.lower, cs.lower / canary.total);
  state.upper = Math.min(state.upper ?? Infinity, cs.upper / canary.total);
  if (margin(state, state.pValue, baselineBound) >= 0) state.pValue = smallestFiringAlpha((a) => margin(state, a, baselineBound), MIN_P, state.pValue);
  if (isRegression(params.direction, params.tolerance, relativeInterval(state))) state.failed = true;
}

/**
 * How far this look's canary sequence at level a/2 is past the baseline's bound at the same split of a (≥ 0:
 * it clears it); its smallest a is this look's p-value. log M falls as Λ moves toward N, so it rises with a.
 */
function margin(state: SequentialRateState, a: number, baselineBound: BoundsAt): number {
  const { params, canary } = state;
  const side = baselineAlpha(params, a);
  const past = (rate: number): number => gammaPoissonLogM(canary.errors, params.phi, rate * canary.total) - Math.log(2 / a);
  let worst = -Infinity;
  if (params.direction !== "decrease") {
    const upper = baselineBound.upper(side);
    if (canary.errors > upper * canary.total) worst = past(upper);
  }
  if (params.direction !== "increase") {
    const lower = baselineBound.lower(side);
    if (canary.errors < lower * canary.total) worst = Math.max(worst, past(lower));
  }
  return worst;
}

/** Relative change of the canary's rate: the estimate ½-corrected so one zero count stays finite, 0 with none. */
function relativeInterval(state: SequentialRateState): { estimate: number; lower: number; upper: number } {
  const { baseline, canary } = state;
  if (baseline.total === 0) return { estimate: 0, lower: -1, upper: Infinity };
  const hasErrors = canary.errors + baseline.errors > 0;
  const estimate = canary.total > 0 && hasErrors ? (canary.errors + 0.5) / canary.total / ((baseline.errors + 0.5) / baseline.total) - 1 : 0;
  const upper = state.upper === null || baseline.lower === 0 ? Infinity : state.upper / baseline.lower - 1;
  return { estimate, lower: state.lower / baseline.upper - 1, upper };
}

function checkCounts(counts: CountTotals): void {
  if (!(counts.errors >= 0 && counts.total >= counts.errors && Number.isFinite(counts.total))) {
    throw new RangeError(`counts must be finite with 0 ≤ errors ≤ total, got ${counts.errors} errors of ${counts.total}`);
  }
}
