/**
 * Time-uniform DKW band, closed form of Howard & Ramdas (2022, Bernoulli 28(3), Thm 2; research §1.2):
 * P(∃t ≥ 1, ∃x: |F̂ₜ(x) − F(x)| > εₜ) ≤ α with εₜ = 0.85 √((log log(e t) + 0.8 log(1612/α)) / t).
 */
export function dkwLilEpsilon(t: number, alpha: number): number {
  return 0.85 * Math.sqrt((Math.log(Math.log(Math.E * t)) + 0.8 * Math.log(1612 / alpha)) / t);
}

/**
 * Fixed-sample two-sided DKW half-width with Massart's (1990) constant: P(supₓ |F̂ₙ(x) − F(x)| > ε) ≤ 2e^{−2nε²},
 * so ε = √(log(2/α) / (2n)).
 */
export function dkwEpsilon(n: number, alpha: number): number {
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}
