import { mean } from "simple-statistics";
import type { SampleSummary } from "../types.js";
import { InsufficientData } from "./insufficient-data.js";
import { sortFloat64 } from "./sort-float64.js";

/** Aggregates a check may compare (the gate schema's list); percentiles use `quantile` (R type 7). */
export type Aggregate = "mean" | "median" | "p90" | "p95" | "p99" | "min" | "max";

const probabilities: Record<Exclude<Aggregate, "mean">, number> = { min: 0, median: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, max: 1 };

/**
 * Quantile of an ascending sample by linear interpolation, Hyndman & Fan (1996) type 7
 * (R's default `quantile`, NumPy's default `percentile`): h = (n - 1) p.
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new InsufficientData("quantile of an empty sample");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  // low + (h - below) * (high - low) would turn equal infinities into NaN.
  return h === below || low === high ? low : low + (h - below) * (high - low);
}

/** Ascending copy, ordered as Float64Array.prototype.sort orders it. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return sortFloat64(Float64Array.from(values));
}

/** n, mean (compensated sum), median and p95 of a non-empty sample. */
export function summarize(values: readonly number[]): SampleSummary {
  return summarizeSorted(sortedCopy(values));
}

/** `summarize` of a sample already sorted ascending. */
export function summarizeSorted(sorted: Float64Array): SampleSummary {
  if (sorted.length === 0) throw new InsufficientData("summary of an empty sample");
  return { n: sorted.length, mean: meanOf(sorted), median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
}

/**
 * Neumaier-compensated mean (simple-statistics); it only indexes its argument, so a typed array serves.
 * Finite values whose sum overflows (near 1e308) are averaged as Σ(x/n) instead, so the mean stays finite.
 */
function meanOf(sorted: Float64Array): number {
  const compensated = mean(sorted as unknown as readonly number[]);
  if (Number.isFinite(compensated)) return compensated;
  return sorted.reduce((sum, value) => sum + value / sorted.length, 0);
}

/** One aggregate of a non-empty sample sorted ascending. */
export function aggregateSorted(sorted: Float64Array, kind: Aggregate): number {
  if (sorted.length === 0) throw new InsufficientData(`${kind} of an empty sample`);
  return kind === "mean" ? meanOf(sorted) : quantile(sorted, probabilities[kind]);
}
