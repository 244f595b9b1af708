// Kayenta's degenerate-ties fix (PR #343): Gaussian noise with sd = value × 1e-5 on a constant series.
// Kayenta draws from an unseeded generator; here the uniform source is a parameter so runs repeat.

/** A uniform source on [0, 1). */
export type Uniform = () => number;

/** Mulberry32 (Tommy Ettinger, public domain): a small seeded 32-bit generator, uniform on [0, 1). */
export function seededUniform(seed: number): Uniform {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Adds N(0, (value·1e-5)²) noise (Box-Muller) to each point of a series whose points all equal `value`. */
export function addTieNoise(values: readonly number[], uniform: Uniform): number[] {
  return values.map((v) => {
    const sd = v * 1e-5;
    if (sd === 0) return v;
    const u1 = 1 - uniform();
    const u2 = uniform();
    return v + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  });
}
