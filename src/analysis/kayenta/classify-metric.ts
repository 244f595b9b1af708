import type { Direction } from "../types.js";
import { sortedCopy } from "../stats/summary.js";
import { clesSorted, meanRatio, ratioOfMeans } from "./effect-sizes.js";
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
  const prepare = (values: readonly number[]): readonly number[] => {
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
  // Sorted once: the identity and single-value checks, the rank sums and cles all read these.
  const sorted = { control: sortedCopy(ctl), experiment: sortedCopy(exp) };
  if (sameSorted(sorted.experiment, sorted.control)) return early("Pass", "The Canary and Baseline data are identical");
  if (isConstant(sorted.experiment) && isConstant(sorted.control) && sorted.experiment[0] === sorted.control[0]) return early("Pass", "");
  try {
    return { ...compare({ control: ctl, experiment: exp, sorted }, stats, params, name), ...stats };
  } catch {
    // The judge turns any classifier exception (σ = 0, non-finite data) into Error.
    return early("Error", "Metric Classification Failed");
  }
}

/** Both prepared series, in their order (sums depend on it) and sorted ascending. */
interface Samples {
  control: readonly number[];
  experiment: readonly number[];
  sorted: { control: Float64Array; experiment: Float64Array };
}

type Comparison = Omit<KayentaMetricClassification, "controlStats" | "experimentStats">;

function compare(samples: Samples, stats: { controlStats: KayentaStats; experimentStats: KayentaStats }, params: KayentaClassifierParams, name: string): Comparison {
  let [x, y, sorted] = [samples.experiment, samples.control, samples.sorted];
  // The summaries' means are Kayenta's meanRatio inputs, unless tie noise changes the data.
  let deviation = ratioOfMeans(stats.experimentStats.mean, stats.controlStats.mean);
  if (isConstant(sorted.experiment) && isConstant(sorted.control)) {
    const uniform = params.random ?? seededUniform(DEFAULT_SEED);
    [x, y] = [addTieNoise(x, uniform), addTieNoise(y, uniform)];
    sorted = { experiment: sortedCopy(x), control: sortedCopy(y) };
    deviation = meanRatio(x, y);
  }
  const { estimate, lower, upper } = kayentaRankSumInterval(x, y, params.confLevel ?? 0.98, sorted);
  const bound = (params.tolerance ?? 0.25) * Math.abs(estimate);
  const thresholds = effectSizeThresholds(params.effectSize);
  const effect = thresholds.measure === "cles" ? clesSorted(sorted.experiment, sorted.control) : deviation;
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

function sameSorted(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** One distinct value in a non-empty ascending series (no NaN after the NaN strategy). */
function isConstant(sorted: Float64Array): boolean {
  return sorted[0] === sorted[sorted.length - 1];
}
