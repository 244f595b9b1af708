import { pooledRanks, tieTerm, type PooledRanks } from "./rank-sum.js";

/**
 * Below this pooled size every rank sum (a half-integer) and every Σ(t³ − t) (an integer ≤ (n + m)³ < 2⁵³)
 * is exact in a double, so adding the same terms in another order than the merge gives the same number.
 */
const EXACT_BELOW = 200_000;

/**
 * `pooledRanks(xs, ys, shift)` for two ascending samples at many shifts (a root-finder's), memoised.
 * While no two distinct xs can round to one value at the shift (their smallest gap exceeds the rounding
 * error of x − shift), the tie groups are those of xs and of ys, joined where x − shift equals a y exactly:
 * a pass then only counts #{y < x − shift} per x, and a pass that meets an exact match is redone row by row
 * to join its groups. It yields the merge's integers, so the same statistic to the bit; any other case
 * (a non-finite value included) is the merge itself.
 */
export function shiftedRankSums(xs: Float64Array, ys: Float64Array): (shift: number) => PooledRanks {
  const isFinite = [xs[0], xs[xs.length - 1], ys[0], ys[ys.length - 1]].every(Number.isFinite);
  if (xs.length + ys.length >= EXACT_BELOW || !isFinite) return (shift) => pooledRanks(xs, ys, shift);
  const ties = tieTerm(xs) + tieTerm(ys);
  const { gap, magnitude } = spacing(xs);
  // ys and a +Infinity sentinel, which no finite x − shift exceeds: the counting loop needs no bound test.
  const padded = new Float64Array(ys.length + 1);
  padded.set(ys);
  padded[ys.length] = Infinity;
  const memo = new Map<number, PooledRanks>();
  return (shift) => {
    let ranks = memo.get(shift);
    if (ranks === undefined) {
      // x − 0 is exact; else |fl(x − s) − (x − s)| ≤ 2⁻⁵³·(max|x| + |s|) + 2⁻¹⁰⁷⁵, checked with a factor 4 to spare.
      const separated = shift === 0 || gap > 2 ** -50 * (magnitude + Math.abs(shift)) + 2 ** -1070;
      ranks = separated && Number.isFinite(shift) ? countBelow(xs, padded, shift, ties) : pooledRanks(xs, ys, shift);
      memo.set(shift, ranks);
    }
    return ranks;
  };
}

/** Smallest gap between distinct neighbours of an ascending sample (Infinity if none), and its largest |x|. */
function spacing(xs: Float64Array): { gap: number; magnitude: number } {
  let gap = Infinity;
  for (let i = 1; i < xs.length; i++) {
    const step = (xs[i] as number) - (xs[i - 1] as number);
    if (step > 0 && step < gap) gap = step;
  }
  const magnitude = Math.max(Math.abs(xs[0] ?? 0), Math.abs(xs[xs.length - 1] ?? 0));
  return { gap, magnitude };
}

/** Exact matches x − shift = y seen by a pass: the ranks' half-counts and the joined groups' Σ(t³ − t). */
interface Matches {
  equal: number;
  ties: number;
}

/**
 * Σ #{y < x − shift} over xs in four interleaved two-pointer merges (rows split in quarters, each started
 * by a binary search). Each step of a merge either moves j (y < x − shift) or closes row i, chosen by
 * arithmetic on the comparison rather than a branch: the steps' outcomes are data-dependent, so branches
 * would mispredict about half the time, and the four merges' steps are independent, so they overlap.
 * `padded` is ys with a +Infinity sentinel; `ties` is Σ(t³ − t) of xs and of ys apart.
 */
function countBelow(xs: Float64Array, padded: Float64Array, shift: number, ties: number): PooledRanks {
  const n = xs.length;
  const b1 = n >>> 2;
  const b2 = n >>> 1;
  const b3 = b1 + b2;
  let i0 = 0;
  let i1 = b1;
  let i2 = b2;
  let i3 = b3;
  let j0 = 0;
  let j1 = countLess(padded, (xs[b1] as number) - shift);
  let j2 = countLess(padded, (xs[b2] as number) - shift);
  let j3 = countLess(padded, (xs[b3] as number) - shift);
  let below = 0;
  let equal = 0;
  while (i0 < b1 && i1 < b2 && i2 < b3 && i3 < n) {
    const v0 = (xs[i0] as number) - shift;
    const v1 = (xs[i1] as number) - shift;
    const v2 = (xs[i2] as number) - shift;
    const v3 = (xs[i3] as number) - shift;
    const y0 = padded[j0] as number;
    const y1 = padded[j1] as number;
    const y2 = padded[j2] as number;
    const y3 = padded[j3] as number;
    const c0 = +(y0 < v0);
    const c1 = +(y1 < v1);
    const c2 = +(y2 < v2);
    const c3 = +(y3 < v3);
    below += (1 - c0) * j0 + (1 - c1) * j1 + (1 - c2) * j2 + (1 - c3) * j3;
    equal += +(y0 === v0) + +(y1 === v1) + +(y2 === v2) + +(y3 === v3);
    j0 += c0;
    j1 += c1;
    j2 += c2;
    j3 += c3;
    i0 += 1 - c0;
    i1 += 1 - c1;
    i2 += 1 - c2;
    i3 += 1 - c3;
  }
  const rest: Matches = { equal, ties };
  below += finishRows(xs, padded, shift, i0, b1, j0, rest) + finishRows(xs, padded, shift, i1, b2, j1, rest);
  below += finishRows(xs, padded, shift, i2, b3, j2, rest) + finishRows(xs, padded, shift, i3, n, j3, rest);
  if (rest.equal > 0) {
    // Some x − shift equals a y: count again row by row, joining the tie groups.
    const matches: Matches = { equal: 0, ties };
    below = finishRows(xs, padded, shift, 0, n, 0, matches);
    return { rankSumX: (n * (n + 1)) / 2 + below + matches.equal / 2, tieTerm: matches.ties };
  }
  return { rankSumX: (n * (n + 1)) / 2 + below, tieTerm: ties };
}

/** One merge over rows [start, end) from j = `from`: their Σ #{y < x − shift}, exact matches into `matches`. */
function finishRows(xs: Float64Array, padded: Float64Array, shift: number, start: number, end: number, from: number, matches: Matches): number {
  let below = 0;
  let j = from;
  for (let i = start; i < end; i++) {
    const v = (xs[i] as number) - shift;
    while ((padded[j] as number) < v) j++;
    below += j;
    if (padded[j] === v) match(xs, padded, i, j, matches);
  }
  return below;
}

/** xs[i] − shift equals ys[j] and the ys tied with it; the first x of its run joins the two groups. */
function match(xs: Float64Array, padded: Float64Array, i: number, j: number, matches: Matches): void {
  let y = 1;
  while (padded[j + y] === padded[j]) y++;
  matches.equal += y;
  if (i > 0 && xs[i - 1] === xs[i]) return;
  let x = 1;
  while (i + x < xs.length && xs[i + x] === xs[i]) x++;
  const t = x + y;
  matches.ties += t * t * t - t - (x * x * x - x) - (y * y * y - y);
}

/** #{y < v} in an ascending sample (a finite v stops before the sentinel). */
function countLess(ys: Float64Array, v: number): number {
  let lo = 0;
  let hi = ys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ys[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
