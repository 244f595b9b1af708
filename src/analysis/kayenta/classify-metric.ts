import type { Direction } from "../types.js";
import { cles, meanRatio } from "./effect-sizes.js";
import { applyNanStrategy, kayentaStats, removeIqrOutliers, type KayentaStats, type NanStrategy } from "./preprocess.js";
import { kayentaRankSumInterval } from "./rank-sum-interval.js";
import { addTieNoise, seededUniform, type Uniform } from "./tie-noise.js";

export type KayentaClassification = "Pass" | "High" | "Low" | "Nodata" | "NodataFailMetric" | "Error";

/** Kayenta's effectSize block; each threshold defaults to 1.0 for meanRatio and 0.5 for cles. */
export interface KayentaEffectSize {
  measure: "meanRatio" | "cles";
  allowedIncrease: number;
  allowedDecrease: number;
  criticalIncrease: number;
  criticalDecrease: number;
}

/** One metric's settings (Kayenta's analysisConfigurations.canary plus the classifier's tolerance and level). */
export interface KayentaClassifierParams {
  /** The metric's name, used in reason strings. */
  name?: string;
  tolerance?: number;
  confLevel?: number;
  direction?: Direction;
  nanStrategy?: NanStrategy;
  outliers?: { strategy?: "remove" | "keep"; factor?: number };
  effectSize?: Partial<KayentaEffectSize>;
  isCritical?: boolean;
  mustHaveData?: boolean;
  /** Uniform source for the degenerate-ties noise; a fixed-seed generator when absent. */
  random?: Uniform;
}

export interface KayentaMetricClassification {
  classification: KayentaClassification;
  critical: boolean;
  reason: string;
  /** The mean ratio experiment / control (Kayenta's resultMetadata.ratio); 1.0 for the early exits. */
  deviation: number;
  /** Kayenta's shift estimate and interval; null when the rank-sum test did not run. */
  interval: { estimate: number; lower: number; upper: number } | null;
  controlStats: KayentaStats;
  experimentStats: KayentaStats;
}

const DEFAULT_SEED = 0x5eed;

/**
 * Kayenta's NetflixACAJudge preprocessing and MannWhitneyClassifier.classify (kayenta-judge, HEAD a69573be;
 * research/kayenta.md §1.2-§1.3): no data, identical, single value, tie noise, then High when the rank-sum
 * interval's lower bound clears tolerance·|estimate| (Low mirrored) and the effect size agrees.
 */
export function classifyKayenta(control: readonly number[], experiment: readonly number[], params: KayentaClassifierParams = {}): KayentaMetricClassification {
  const name = params.name ?? "metric";
  const nanStrategy = params.nanStrategy ?? "remove";
  const prepare = (values: readonly number[]): number[] => {
    const cleaned = applyNanStrategy(values, nanStrategy);
    return params.outliers?.strategy === "remove" ? removeIqrOutliers(cleaned, params.outliers.factor ?? 3.0) : cleaned;
  };
  const ctl = prepare(control);
  const exp = prepare(experiment);
  const stats = { controlStats: kayentaStats(ctl), experimentStats: kayentaStats(exp) };
  const early = (classification: KayentaClassification, reason: string, critical = false): KayentaMetricClassification =>
    ({ classification, critical, reason, deviation: 1.0, interval: null, ...stats });

  if (exp.length === 0 || ctl.length === 0) {
    if (nanStrategy === "replace") return early("Pass", "");
    const reason = `Missing data for ${name}`;
    if (params.mustHaveData && !params.isCritical) return early("NodataFailMetric", reason);
    return early("Nodata", reason, params.isCritical ?? false);
  }
  if (sameSorted(exp, ctl)) return early("Pass", "The Canary and Baseline data are identical");
  if (new Set([...exp, ...ctl]).size === 1) return early("Pass", "");
  try {
    return { ...compare(ctl, exp, params, name), ...stats };
  } catch {
    // The judge turns any classifier exception (σ = 0, non-finite data) into Error.
    return early("Error", "Metric Classification Failed");
  }
}

function compare(control: number[], experiment: number[], params: KayentaClassifierParams, name: string): Omit<KayentaMetricClassification, "controlStats" | "experimentStats"> {
  let [x, y] = [experiment, control];
  if (new Set(x).size === 1 && new Set(y).size === 1) {
    const uniform = params.random ?? seededUniform(DEFAULT_SEED);
    [x, y] = [addTieNoise(x, uniform), addTieNoise(y, uniform)];
  }
  const { estimate, lower, upper } = kayentaRankSumInterval(x, y, params.confLevel ?? 0.98);
  const bound = (params.tolerance ?? 0.25) * Math.abs(estimate);
  const deviation = meanRatio(x, y);
  const thresholds = effectSizeThresholds(params.effectSize);
  const effect = thresholds.measure === "cles" ? cles(x, y) : deviation;
  const direction = params.direction ?? "either";
  const interval = { estimate, lower, upper };
  const label = (classification: "High" | "Low", criticalLimit: number, beyond: (e: number, t: number) => boolean) => {
    const critical = (params.isCritical ?? false) && (Number.isNaN(effect) || beyond(effect, criticalLimit));
    const reason = critical ? `The metric ${name} was classified as ${classification} (Critical)` : `${name} was classified as ${classification}`;
    return { classification, critical, reason, deviation, interval };
  };
  const atLeast = (e: number, t: number): boolean => e >= t;
  const atMost = (e: number, t: number): boolean => e <= t;
  if (direction !== "decrease" && lower > bound && (Number.isNaN(effect) || effect >= thresholds.allowedIncrease)) {
    return label("High", thresholds.criticalIncrease, atLeast);
  }
  if (direction !== "increase" && upper < -bound && (Number.isNaN(effect) || effect <= thresholds.allowedDecrease)) {
    return label("Low", thresholds.criticalDecrease, atMost);
  }
  return { classification: "Pass", critical: false, reason: "", deviation, interval };
}

function effectSizeThresholds(given: Partial<KayentaEffectSize> = {}): KayentaEffectSize {
  const measure = given.measure ?? "meanRatio";
  const fallback = measure === "cles" ? 0.5 : 1.0;
  return {
    measure,
    allowedIncrease: given.allowedIncrease ?? fallback,
    allowedDecrease: given.allowedDecrease ?? fallback,
    criticalIncrease: given.criticalIncrease ?? fallback,
    criticalDecrease: given.criticalDecrease ?? fallback,
  };
}

function sameSorted(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const [sa, sb] = [Float64Array.from(a).sort(), Float64Array.from(b).sort()];
  return sa.every((v, i) => v === sb[i]);
}
