// Brent's root finder as R's C zeroin (Brent 1973, ch. 4), ported line by line as Kayenta's
// KayentaBrentSolver.brentDirect: tol 1e-4, at most 1000 iterations, last iterate when it does not converge.

const EPSILON = 2.220446049250313e-16;

/**
 * A root of f on [ax, bx] given fa = f(ax) and fb = f(bx). The bracket is not checked (Kayenta does not
 * either): with fa and fb of one sign the search still returns its last iterate.
 */
export function zeroin(f: (x: number) => number, ax: number, bx: number, fa0: number, fb0: number, tol = 1e-4, maxIterations = 1000): number {
  let a = ax;
  let b = bx;
  let fa = fa0;
  let fb = fb0;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let iteration = 0; iteration <= maxIterations; iteration++) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // Swap so that b is the best approximation.
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tolAct = 2 * EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    // Kayenta tests fb with commons-math Precision.equals(fb, 0), i.e. within one ulp of zero.
    if (Math.abs(newStep) <= tolAct || Math.abs(fb) <= Number.MIN_VALUE) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        // Two distinct points: linear interpolation.
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        // Inverse quadratic interpolation.
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1));
        q = (q - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
