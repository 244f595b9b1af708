/**
 * Test data that the reference scripts in test/fixtures/refs/ rebuild bit for bit: a Park-Miller
 * generator (exact in doubles) and recipes made of +, *, / and floor only, which R, Python and
 * JavaScript all round the same way.
 */
export type Recipe = "smooth" | "integer" | "coarse" | "skewed";

export function lcgSample(seed: number, n: number, recipe: Recipe, shift: number): number[] {
  let state = seed;
  const uniform = (): number => {
    state = (48271 * state) % 2147483647;
    return state / 2147483647;
  };
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const u1 = uniform();
    const u2 = uniform();
    const u3 = uniform();
    const smooth = shift + 10 * (u1 + u2 + u3);
    values.push(
      recipe === "smooth" ? smooth
        : recipe === "integer" ? Math.floor(smooth)
          : recipe === "coarse" ? Math.floor(5 * u1) + shift
            : u1 * u1 * u1 * 100 + shift,
    );
  }
  return values;
}
