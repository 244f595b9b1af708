import type { HistogramCounts } from "./types.js";

/** A histogram split into its finite bounds, the cumulative counts at them, and the total (the +Inf bucket). */
export interface BucketCounts {
  bounds: number[];
  cumulative: number[];
  total: number;
}

/**
 * Checks a Prometheus histogram (ascending `le`, +Inf last, cumulative counts that never fall) and splits off
 * the +Inf bucket, which JSON cannot hold as a bound. Counts may be fractional, as `increase()` returns them.
 */
export function readHistogram(histogram: HistogramCounts): BucketCounts {
  const { le, counts } = histogram;
  if (le.length === 0 || le.length !== counts.length) throw new RangeError(`a histogram needs one count per bound, got ${le.length} bounds and ${counts.length} counts`);
  if (le[le.length - 1] !== Infinity) throw new RangeError("a histogram's last bound must be +Inf");
  for (let i = 0; i < le.length; i++) {
    const count = counts[i] as number;
    if (!(Number.isFinite(count) && count >= 0)) throw new RangeError(`bucket counts must be finite and ≥ 0, got ${count}`);
    if (i > 0 && !((le[i] as number) > (le[i - 1] as number))) throw new RangeError("histogram bounds must ascend");
    if (i > 0 && count < (counts[i - 1] as number)) throw new RangeError("cumulative bucket counts must not fall");
  }
  return { bounds: le.slice(0, -1), cumulative: counts.slice(0, -1), total: counts[counts.length - 1] as number };
}

/** Checks that a canary step uses the baseline's bounds. */
export function checkSameBounds(bounds: readonly number[], step: BucketCounts): void {
  if (step.bounds.length !== bounds.length || step.bounds.some((bound, i) => bound !== bounds[i])) {
    throw new RangeError(`canary histogram bounds [${step.bounds.join(", ")}] differ from the baseline's [${bounds.join(", ")}]`);
  }
}
