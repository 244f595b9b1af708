/** Below this many candidates the bracket is enumerated and sorted instead of narrowed further. */
const ENUMERATE_BELOW = 2048;

/** What one counting sweep learned at d. */
interface Sweep {
  d: number;
  /** #{xs[i] − ys[j] ≤ d}. */
  count: number;
  /** The largest difference ≤ d, −Infinity if none. */
  below: number;
  /** The smallest difference > d, +Infinity if none. */
  above: number;
  /** Per row i, the first j with xs[i] − ys[j] ≤ d. */
  rows: Int32Array;
}

/**
 * Order statistics of the n·m differences xs[i] − ys[j] of two ascending samples, without forming them
 * (selection in X − Y, as Monahan 1984, ACM Algorithm 616, does for the Hodges-Lehmann estimator).
 * A bracket (lo, hi] is narrowed by counting, one O(n + m) sweep per step, each pivot placed by
 * Illinois-style regula falsi on the counts; every sweep also snaps to the nearest differences, so ties
 * (grid data) end the search instead of stalling it, and is remembered, so later ranks start from the
 * tightest bracket already known. Once the bracket holds fewer than n + m candidates a sweep only scans
 * them, row by row. The few candidates left are enumerated and sorted.
 */
export function pairwiseDifferenceSelector(xs: Float64Array, ys: Float64Array): { kth: (k: number) => number } {
  const total = xs.length * ys.length;
  // ys and a +Infinity sentinel (x − Infinity > d never holds): full sweeps need no bound test.
  const padded = new Float64Array(ys.length + 1);
  padded.set(ys);
  padded[ys.length] = Infinity;
  const seen: Sweep[] = [];
  // The last enumerated bracket answers neighbouring ranks (the two middle ones of an even n·m) at once.
  let last: { countLo: number; values: Float64Array } = { countLo: 0, values: new Float64Array(0) };
  // Below every difference and at the largest one: the brackets every rank starts from.
  const first: Sweep = { d: -Infinity, count: 0, below: -Infinity, above: (xs[0] as number) - (ys[ys.length - 1] as number), rows: new Int32Array(xs.length).fill(ys.length) };
  const everything: Sweep = { d: Infinity, count: total, below: (xs[xs.length - 1] as number) - (ys[0] as number), above: Infinity, rows: new Int32Array(xs.length) };
  const sweepAt = (d: number, from: Sweep, to: Sweep, candidates: number): Sweep => {
    const at = candidates < xs.length + ys.length ? sweepBetween(xs, ys, d, from.rows, to.rows) : sweep(xs, ys, padded, d);
    seen.push(at);
    return at;
  };
  const kth = (k: number): number => {
    if (!(Number.isInteger(k) && k >= 1 && k <= total)) throw new RangeError(`rank ${k} outside 1..${total}`);
    if (k > last.countLo && k <= last.countLo + last.values.length) return last.values[k - last.countLo - 1] as number;
    if (seen.length === 0 && total > ENUMERATE_BELOW) for (const d of sampledBracket(xs, ys, k / total)) sweepAt(d, everything, first, total);
    let low = first;
    let high = everything;
    for (const s of seen) {
      if (s.count < k && s.count >= low.count) low = s;
      if (s.count >= k && s.count <= high.count) high = s;
    }
    let [lo, countLo, smallest] = [low.d, low.count, low.above];
    let [hi, countHi] = [high.below, high.count];
    // Illinois: when the same end moves twice running, the other end's weight halves so the next pivot moves it.
    let [weightLo, weightHi] = [1, 1];
    let moved: "lo" | "hi" | undefined;
    while (countHi - countLo > ENUMERATE_BELOW && smallest < hi) {
      const from = Number.isFinite(lo) ? lo : smallest;
      const gLo = (countLo - k + 0.5) * weightLo;
      const gHi = (countHi - k + 0.5) * weightHi;
      let pivot = from - gLo * ((hi - from) / (gHi - gLo));
      if (!(pivot >= smallest && pivot < hi)) pivot = smallest + (hi - smallest) / 2;
      const at = sweepAt(pivot, high, low, countHi - countLo);
      if (at.count >= k) {
        high = at;
        [hi, countHi, weightHi] = [at.below, at.count, 1];
        if (moved === "hi") weightLo /= 2;
        moved = "hi";
      } else {
        low = at;
        [lo, countLo, smallest, weightLo] = [pivot, at.count, at.above, 1];
        if (moved === "lo") weightHi /= 2;
        moved = "lo";
      }
    }
    if (smallest >= hi) return hi; // every candidate left equals hi
    last = { countLo, values: differencesBetween(xs, ys, high.rows, low.rows, countHi - countLo).sort() };
    return last.values[k - countLo - 1] as number;
  };
  return { kth };
}

/**
 * Two values likely to bracket the q-quantile of the differences, from 1024 pairs drawn by a fixed
 * Park-Miller sequence (deterministic, so results repeat): the first bracket is then narrow even when
 * the extremes are far out (heavy tails), where interpolating from [min, max] would crawl.
 */
function sampledBracket(xs: Float64Array, ys: Float64Array, q: number): [number, number] {
  const size = 1024;
  const sample = new Float64Array(size);
  let state = 20240601;
  const draw = (length: number): number => {
    state = (48271 * state) % 2147483647;
    return Math.floor((state / 2147483647) * length);
  };
  for (let s = 0; s < size; s++) sample[s] = (xs[draw(xs.length)] as number) - (ys[draw(ys.length)] as number);
  sample.sort();
  // Four standard errors of the sample quantile's rank either side of q·size.
  const margin = 4 * Math.sqrt(size * q * (1 - q)) + 1;
  const at = (rank: number): number => sample[Math.min(size - 1, Math.max(0, Math.round(rank)))] as number;
  return [at(q * size - margin), at(q * size + margin)];
}

/**
 * One merge pass: for ascending xs the first j with xs[i] − ys[j] ≤ d only moves right. It runs as four
 * interleaved merges (rows split in quarters, each started by a binary search) whose steps either move j
 * or close row i, chosen by arithmetic on the comparison rather than a branch: the outcomes are
 * data-dependent, so branches would mispredict about half the time, and the four merges overlap.
 * `padded` is ys with a +Infinity sentinel.
 */
function sweep(xs: Float64Array, ys: Float64Array, padded: Float64Array, d: number): Sweep {
  const n = xs.length;
  const rows = new Int32Array(n);
  const b1 = n >>> 2;
  const b2 = n >>> 1;
  const b3 = b1 + b2;
  let i0 = 0;
  let i1 = b1;
  let i2 = b2;
  let i3 = b3;
  let j0 = 0;
  let j1 = firstAtMost(xs[b1] as number, padded, d);
  let j2 = firstAtMost(xs[b2] as number, padded, d);
  let j3 = firstAtMost(xs[b3] as number, padded, d);
  while (i0 < b1 && i1 < b2 && i2 < b3 && i3 < n) {
    // Each row's last write, when it closes, holds its first j.
    rows[i0] = j0;
    rows[i1] = j1;
    rows[i2] = j2;
    rows[i3] = j3;
    const c0 = +((xs[i0] as number) - (padded[j0] as number) > d);
    const c1 = +((xs[i1] as number) - (padded[j1] as number) > d);
    const c2 = +((xs[i2] as number) - (padded[j2] as number) > d);
    const c3 = +((xs[i3] as number) - (padded[j3] as number) > d);
    j0 += c0;
    j1 += c1;
    j2 += c2;
    j3 += c3;
    i0 += 1 - c0;
    i1 += 1 - c1;
    i2 += 1 - c2;
    i3 += 1 - c3;
  }
  mergeRows(xs, padded, d, rows, i0, b1, j0);
  mergeRows(xs, padded, d, rows, i1, b2, j1);
  mergeRows(xs, padded, d, rows, i2, b3, j2);
  mergeRows(xs, padded, d, rows, i3, n, j3);
  return summarizeRows(xs, ys, d, rows);
}

/** Rows [start, end) of a sweep, merged from j = `from`. */
function mergeRows(xs: Float64Array, padded: Float64Array, d: number, rows: Int32Array, start: number, end: number, from: number): void {
  let j = from;
  for (let i = start; i < end; i++) {
    const x = xs[i] as number;
    while (x - (padded[j] as number) > d) j++;
    rows[i] = j;
  }
}

/** The first j with x − ys[j] ≤ d, by binary search (ys ascending, so x − ys[j] descends). */
function firstAtMost(x: number, ys: Float64Array, d: number): number {
  let lo = 0;
  let hi = ys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x - (ys[mid] as number) > d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A pass that scans each row only between its first j at hi (`from`) and at lo (`to`), for a d in (lo, hi]. */
function sweepBetween(xs: Float64Array, ys: Float64Array, d: number, from: Int32Array, to: Int32Array): Sweep {
  const rows = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    let j = from[i] as number;
    const end = to[i] as number;
    while (j < end && x - (ys[j] as number) > d) j++;
    rows[i] = j;
  }
  return summarizeRows(xs, ys, d, rows);
}

function summarizeRows(xs: Float64Array, ys: Float64Array, d: number, rows: Int32Array): Sweep {
  const m = ys.length;
  let count = 0;
  let below = -Infinity;
  let above = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const j = rows[i] as number;
    count += m - j;
    if (j < m && x - (ys[j] as number) > below) below = x - (ys[j] as number);
    if (j > 0 && x - (ys[j - 1] as number) < above) above = x - (ys[j - 1] as number);
  }
  return { d, count, below, above, rows };
}

/** The `size` differences between two sweeps' rows: in (lo, hi] for `from` at hi and `to` at lo. */
function differencesBetween(xs: Float64Array, ys: Float64Array, from: Int32Array, to: Int32Array, size: number): Float64Array {
  const out = new Float64Array(size);
  let filled = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    for (let j = from[i] as number; j < (to[i] as number); j++) out[filled++] = x - (ys[j] as number);
  }
  return out;
}
