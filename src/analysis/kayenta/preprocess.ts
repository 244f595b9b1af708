import { quantile, sortedCopy } from "../stats/summary.js";

/** What Kayenta does with NaN points: drop them, or count them as 0. */
export type NanStrategy = "remove" | "replace";

/** Kayenta's per-series summary (experimentMetadata.stats / controlMetadata.stats). */
export interface KayentaStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  count: number;
}

// The scans below index their arrays: V8 runs for…of over an array of doubles several times slower.

/** Kayenta's Transforms.removeNaNs / replaceNaNs; the series itself when it holds no NaN. */
export function applyNanStrategy(values: readonly number[], strategy: NanStrategy): readonly number[] {
  let hasNaN = false;
  for (let i = 0; i < values.length && !hasNaN; i++) hasNaN = Number.isNaN(values[i]);
  if (!hasNaN) return values;
  return strategy === "replace" ? values.map((v) => (Number.isNaN(v) ? 0 : v)) : values.filter((v) => !Number.isNaN(v));
}

/**
 * Kayenta's IQRDetector: Tukey fences Q1 − f·IQR and Q3 + f·IQR (percentiles R-7); with reduceSensitivity
 * the fences widen to min(P1, low) and max(P99, high). An empty series has no fences and no outliers.
 */
export function iqrOutliers(values: readonly number[], factor: number, reduceSensitivity: boolean): boolean[] {
  if (values.length === 0) return [];
  const sorted = sortedCopy(values);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  const low = q1 - factor * iqr;
  const high = q3 + factor * iqr;
  const lower = reduceSensitivity ? Math.min(quantile(sorted, 0.01), low) : low;
  const upper = reduceSensitivity ? Math.max(quantile(sorted, 0.99), high) : high;
  return values.map((v) => v < lower || v > upper);
}

/** Kayenta's Transforms.removeOutliers with the judge's detector, IQRDetector(factor, reduceSensitivity = true). */
export function removeIqrOutliers(values: readonly number[], factor: number): number[] {
  const outliers = iqrOutliers(values, factor, true);
  return values.filter((_, i) => !outliers[i]);
}

/** Kayenta's DescriptiveStatistics.summary: min, max, mean, sample std (n − 1), count; all zero when empty. */
export function kayentaStats(values: readonly number[]): KayentaStats {
  const count = values.length;
  if (count === 0) return { min: 0, max: 0, mean: 0, std: 0, count: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = commonsMean(values);
  // commons-math Variance: the corrected two-pass algorithm.
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i] as number;
    squares += (v - mean) * (v - mean);
    deviations += v - mean;
  }
  const std = count > 1 ? Math.sqrt((squares - (deviations * deviations) / count) / (count - 1)) : 0;
  return { min, max, mean, std, count };
}

/** commons-math StatUtils.mean: the sum's mean plus the mean of the deviations from it (NaN when empty). */
export function commonsMean(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  const first = sum / values.length;
  let correction = 0;
  for (let i = 0; i < values.length; i++) correction += (values[i] as number) - first;
  return first + correction / values.length;
}
