import { sortFloat64 } from "./sort-float64.js";

/** What the rank-sum statistics need from the pooled sample. */
export interface PooledRanks {
  /** Sum of the first sample's ranks in the pooled sample, ties given their average rank. */
  rankSumX: number;
  /** Σ (t³ − t) over the pooled sample's tie groups, for the variance's tie correction. */
  tieTerm: number;
}

/**
 * Ranks of `xs - shift` pooled with `ys` (both ascending) in one merge, O(n + m). Equality is tested on the
 * shifted doubles, as R's `rank(c(x - d, y))` does, so ties match R and SciPy to the bit.
 */
export function pooledRanks(xs: Float64Array, ys: Float64Array, shift = 0): PooledRanks {
  let i = 0;
  let j = 0;
  let nextRank = 1;
  let rankSumX = 0;
  let tieTerm = 0;
  while (i < xs.length || j < ys.length) {
    const nextX = i < xs.length ? (xs[i] as number) - shift : Number.NaN;
    const value = j >= ys.length || nextX <= (ys[j] as number) ? nextX : (ys[j] as number);
    let tiedX = 0;
    let tiedY = 0;
    while (i < xs.length && (xs[i] as number) - shift === value) { tiedX++; i++; }
    while (j < ys.length && ys[j] === value) { tiedY++; j++; }
    const t = tiedX + tiedY;
    rankSumX += tiedX * (nextRank + (t - 1) / 2);
    tieTerm += t * t * t - t;
    nextRank += t;
  }
  return { rankSumX, tieTerm };
}

/** Σ (t³ − t) over the tie groups of one ascending sample. */
export function tieTerm(sorted: Float64Array): number {
  let sum = 0;
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    const t = end - start;
    sum += t * t * t - t;
    start = end;
  }
  return sum;
}

/** Ascending copy of a sample of finite numbers; NaN or ±Infinity would make ranks meaningless. */
export function sortedFinite(values: readonly number[], name: string): Float64Array {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new RangeError(`${name} holds a non-finite value (${values[i]})`);
  return sortFloat64(Float64Array.from(values));
}
