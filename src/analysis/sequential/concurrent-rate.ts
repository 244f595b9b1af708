import { betaMixtureInterval, betaMixtureLogBF, betaMixtureLogMarginal, directionalBetaPrior } from "./beta-mixture.js";
import { checkParams, formatInterval, formatPercent, formatTolerance, isRegression, isWithinTolerance } from "./classify-change.js";
import { eValueOf, type SequentialJudgement, type SequentialParams } from "./types.js";

// Method: Lindon & Malek (NeurIPS 2022), research §1.3, for a concurrent control. With a known traffic split ρ,
// each error is the canary's with probability θ = ρe^δ/(ρe^δ + 1 − ρ) whatever the common, time-varying rate,
// so "no change" is θ = ρ. The Beta(kρ, k(1 − ρ)) mixture Bayes factor is a test martingale under it; for a
// one-sided direction 90% of the prior's mass sits on the bad side (the truncated variant, softened; still a
// mixture of likelihood ratios). The confidence sequence inverts the same mixture, so it excludes no change
// exactly when p ≤ α.

export interface ConcurrentRateParams extends SequentialParams {
  /** The canary's share ρ of traffic (0 < ρ < 1), fixed by the rollout; the control gets 1 − ρ. */
  canaryShare: number;
  /** Beta concentration k; default 10, the fastest of 10, 100, 10⁴ for 1.5-3× spikes (research §5.1). */
  concentration?: number;
}

/** Errors seen by each arm in one step. */
export interface ArmErrors {
  baseline: number;
  canary: number;
}

export interface ConcurrentRateState {
  params: Required<ConcurrentRateParams>;
  errors: ArmErrors;
  /** Running intersection of the confidence sequence for θ, the canary's share of errors. */
  lower: number;
  upper: number;
  pValue: number;
  logEValue: number;
  failed: boolean;
}

export function initConcurrentRate(params: ConcurrentRateParams): ConcurrentRateState {
  checkParams(params);
  if (!(params.canaryShare > 0 && params.canaryShare < 1)) throw new RangeError(`canaryShare must be in (0, 1), got ${params.canaryShare}`);
  const concentration = params.concentration ?? 10;
  if (!(concentration > 0)) throw new RangeError(`concentration must be > 0, got ${concentration}`);
  return { params: { ...params, concentration }, errors: { baseline: 0, canary: 0 }, lower: 0, upper: 1, pValue: 1, logEValue: 0, failed: false };
}

/** Adds both arms' per-step error counts in time order; every step is a look. */
export function updateConcurrentRate(state: ConcurrentRateState, steps: readonly ArmErrors[]): ConcurrentRateState {
  const next = structuredClone(state);
  for (const step of steps) {
    if (!(step.baseline >= 0 && step.canary >= 0 && Number.isFinite(step.baseline + step.canary))) {
      throw new RangeError(`error counts must be finite and ≥ 0, got ${step.baseline} and ${step.canary}`);
    }
    next.errors.baseline += step.baseline;
    next.errors.canary += step.canary;
    look(next);
  }
  return next;
}

export function judgeConcurrentRate(state: ConcurrentRateState): SequentialJudgement {
  const { params, errors } = state;
  const change = relativeInterval(state);
  const evidence = { pValue: state.pValue, eValue: eValueOf(state.logEValue), interval: change };
  const band = formatInterval(params.alpha, change);
  const seen = `${errors.canary} canary vs ${errors.baseline} control errors at a ${formatTolerance(params.canaryShare)} canary share`;
  if (state.failed) return { result: "fail", ...evidence, summary: `Canary error rate changed ${formatPercent(change.estimate)} vs the control (${band}; ${seen}), beyond the ${formatTolerance(params.tolerance)} tolerance.` };
  if (errors.baseline + errors.canary === 0) return { result: "inconclusive", ...evidence, summary: "No errors in either arm yet, so there is no rate ratio to judge." };
  if (isWithinTolerance(params.direction, params.tolerance, change)) {
    return { result: "pass", ...evidence, summary: `Canary error rate is within ${formatTolerance(params.tolerance)} of the control: ${formatPercent(change.estimate)} (${band}; ${seen}).` };
  }
  return { result: "inconclusive", ...evidence, summary: `Not resolved yet: canary error rate ${formatPercent(change.estimate)} vs the control (${band}; ${seen}).` };
}

function look(state: ConcurrentRateState): void {
  const { params, errors } = state;
  const prior = directionalBetaPrior(params.direction, params.concentration, params.canaryShare);
  state.logEValue = Math.max(state.logEValue, betaMixtureLogBF(errors.canary, errors.baseline, params.canaryShare, prior));
  state.pValue = Math.min(1, Math.exp(-state.logEValue));
  const cs = betaMixtureInterval(errors.canary, errors.baseline, betaMixtureLogMarginal(errors.canary, errors.baseline, prior), params.alpha);
  state.lower = Math.max(state.lower, cs.lower);
  state.upper = Math.min(state.upper, cs.upper);
  if (isRegression(params.direction, params.tolerance, relativeInterval(state))) state.failed = true;
}

/** Rate ratio − 1 from θ: (θ/(1 − θ))·((1 − ρ)/ρ) − 1; the estimate ½-corrected so one zero count stays finite. */
function relativeInterval(state: ConcurrentRateState): { estimate: number; lower: number; upper: number } {
  const rho = state.params.canaryShare;
  const odds = (1 - rho) / rho;
  const ratio = (theta: number): number => (theta >= 1 ? Infinity : (theta / (1 - theta)) * odds);
  const { canary, baseline } = state.errors;
  const estimate = canary + baseline > 0 ? ((canary + 0.5) / (baseline + 0.5)) * odds - 1 : 0;
  return { estimate, lower: ratio(state.lower) - 1, upper: ratio(state.upper) - 1 };
}
