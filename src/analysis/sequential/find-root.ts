/**
 * Bisection for a sign change of f between lo and hi (f(lo) and f(hi) of opposite signs or zero); stops when
 * the bracket is narrower than `tolerance` or cannot be split in floating point. Returns the bracket's end on
 * the side of `keep` ("lo" answers the last point where f has lo's sign, "hi" the first with hi's sign).
 */
export function findRoot(f: (x: number) => number, lo: number, hi: number, opts: { tolerance?: number; keep?: "lo" | "hi" } = {}): number {
  const tolerance = opts.tolerance ?? 0;
  const loSign = Math.sign(f(lo));
  let a = lo;
  let b = hi;
  for (let i = 0; i < 400 && Math.abs(b - a) > tolerance; i++) {
    const mid = a + (b - a) / 2;
    if (mid === a || mid === b) break;
    if (Math.sign(f(mid)) === loSign) a = mid;
    else b = mid;
  }
  return opts.keep === "hi" ? b : a;
}

/**
 * Smallest α in [floor, ceiling] at which a test fires, for a margin that rises with α (fires ⇔ margin ≥ 0; a
 * non-finite margin means "not on the bad side"): the look's anytime p-value. Illinois false position on log α,
 * falling back to bisection when a step is not finite or the bracket stops halving; relative precision 1e-9.
 */
export function smallestFiringAlpha(margin: (alpha: number) => number, floor: number, ceiling: number): number {
  let fb = margin(ceiling);
  if (!(fb >= 0)) return ceiling;
  let fa = margin(floor);
  if (fa >= 0) return floor;
  let a = Math.log(floor);
  let b = Math.log(ceiling);
  let kept: "a" | "b" | null = null;
  for (let i = 0; i < 200 && b - a > 1e-9; i++) {
    const width = b - a;
    const secant = Number.isFinite(fa) && Number.isFinite(fb) ? b - (fb * width) / (fb - fa) : Number.NaN;
    const x = secant > a && secant < b ? secant : a + width / 2;
    const fx = margin(Math.exp(x));
    if (fx >= 0) {
      [b, fb] = [x, fx];
      if (kept === "a" && Number.isFinite(fa)) fa /= 2;
      kept = "a";
    } else {
      [a, fa] = [x, fx];
      if (kept === "b") fb /= 2;
      kept = "b";
    }
    // False position can creep from one side; force a bisection when the bracket did not halve.
    if (b - a > width / 2 && i % 2 === 1) {
      const mid = a + (b - a) / 2;
      const fm = margin(Math.exp(mid));
      if (fm >= 0) [b, fb] = [mid, fm];
      else [a, fa] = [mid, fm];
    }
  }
  return Math.min(ceiling, Math.exp(b));
}
