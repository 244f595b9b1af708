import gammaln from "@stdlib/math-base-special-gammaln";
import { findRoot } from "./find-root.js";

/**
 * Gamma-Poisson mixture log M(N, φ, Λ₀) of Lindon & Kallus (2024, arXiv 2410.09282; anycount `aistats.py`):
 * log ∫ θᴺ e^{−(θ−1)Λ₀} Gamma(θ; shape φ, rate φ) dθ for N events against a hypothesised cumulative intensity
 * Λ₀. A nonnegative supermartingale under the null for Poisson counts, and for Bernoulli counts with Λ₀ = p·n
 * too, since E[θ^X] = (1 − p + pθ)ⁿ ≤ e^{(θ−1)pn}.
 */
export function gammaPoissonLogM(events: number, phi: number, lambda0: number): number {
  return phi * Math.log(phi) - (phi + events) * Math.log(phi + lambda0) + gammaln(phi + events) - gammaln(phi) + lambda0;
}

/**
 * Confidence sequence for the cumulative intensity Λ (Lindon & Kallus 2024): { Λ : log M(N, φ, Λ) < log(1/α) }.
 * log M is convex in Λ with its minimum (≤ 0) at Λ = N, so there is one root on each side (or 0 below).
 */
export function gammaPoissonInterval(events: number, phi: number, alpha: number): { lower: number; upper: number } {
  const constant = phi * Math.log(phi) + gammaln(phi + events) - gammaln(phi) + Math.log(alpha);
  const excess = (lambda: number): number => constant - (phi + events) * Math.log(phi + lambda) + lambda;
  const lower = excess(0) <= 0 ? 0 : findRoot(excess, 0, events, { tolerance: 1e-13 * events });
  let inside = events;
  let outside = events + phi + 1;
  while (excess(outside) < 0) {
    inside = outside;
    outside = events + 2 * (outside - events);
  }
  const upper = findRoot(excess, inside, outside, { tolerance: 1e-13 * outside, keep: "hi" });
  return { lower, upper };
}
