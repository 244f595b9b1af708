/** Small seeded generators for the simulations: mulberry32 and samplers built on it. */
export interface Random {
  uniform(): number;
  normal(): number;
  poisson(mean: number): number;
}

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Box-Muller, both halves of each pair.
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  // Knuth's product method on chunks of mean ≤ 30, so e^-mean never underflows.
  const poisson = (mean: number): number => {
    let count = 0;
    for (let left = mean; left > 0; left -= 30) {
      const limit = Math.exp(-Math.min(left, 30));
      let product = uniform();
      while (product > limit) {
        count++;
        product *= uniform();
      }
    }
    return count;
  };
  return { uniform, normal, poisson };
}

/** Latencies bucketed into a Prometheus histogram (cumulative counts, +Inf last). */
export function bucketize(le: readonly number[], values: readonly number[]): { le: number[]; counts: number[] } {
  const counts = le.map(() => 0);
  for (const value of values) {
    let i = 0;
    while (value > (le[i] as number)) i++;
    counts[i] = (counts[i] as number) + 1;
  }
  for (let i = 1; i < counts.length; i++) counts[i] = (counts[i] as number) + (counts[i - 1] as number);
  return { le: [...le], counts };
}

/** The share of runs that came out true. */
export function rate(outcomes: readonly boolean[]): number {
  return outcomes.filter(Boolean).length / outcomes.length;
}

/** α plus the Monte Carlo allowance 3·√(α(1 − α)/n) for a rate estimated from n runs. */
export function monteCarloCeiling(alpha: number, runs: number): number {
  return alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs);
}
