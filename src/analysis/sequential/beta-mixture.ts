import betainc from "@stdlib/math-base-special-betainc";
import betaln from "@stdlib/math-base-special-betaln";
import type { Direction } from "../types.js";
import { findRoot } from "./find-root.js";

/**
 * A Beta(a, b) prior on θ, reweighted so that `weightAbove` of its mass lies above `cut` (1 truncates it to
 * θ > cut, the one-sided variant of research §1.3); null keeps the Beta as it is.
 */
export interface BetaPrior {
  a: number;
  b: number;
  cut: number;
  weightAbove: number | null;
}

/** Share of a one-sided prior's mass on the bad side: it costs log(1/0.9) ≈ 0.1 of log evidence there, and the
 * 0.1 left on the good side keeps that side of the confidence sequence informative, so a canary that is clearly
 * better can pass. */
const BAD_SIDE_WEIGHT = 0.9;

/** The Beta(kρ, k(1 − ρ)) prior centred on the null ρ, weighted toward the bad side for a one-sided direction. */
export function directionalBetaPrior(direction: Direction, concentration: number, rho: number): BetaPrior {
  const weightAbove = direction === "increase" ? BAD_SIDE_WEIGHT : direction === "decrease" ? 1 - BAD_SIDE_WEIGHT : null;
  return { a: concentration * rho, b: concentration * (1 - rho), cut: rho, weightAbove };
}

/**
 * log ∫ θˣ(1 − θ)ʸ π(θ) dθ for a Beta(a, b) prior π, optionally reweighted about `cut`: the marginal likelihood of
 * the two-arm Dirichlet/Beta mixture of Lindon & Malek (NeurIPS 2022) and of its one-sided truncated variant
 * (research §1.3): lbeta(a + x, b + y) − lbeta(a, b) + log Σ_side w_side P(side | a + x, b + y) / P(side | a, b).
 */
export function betaMixtureLogMarginal(x: number, y: number, prior: BetaPrior): number {
  const { a, b, cut, weightAbove } = prior;
  const core = betaln(a + x, b + y) - betaln(a, b);
  if (weightAbove === null) return core;
  const side = (weight: number, upper: boolean): number =>
    weight === 0 ? -Infinity : Math.log(weight) + Math.log(betainc(cut, a + x, b + y, true, upper)) - Math.log(betainc(cut, a, b, true, upper));
  const above = side(weightAbove, true);
  const below = side(1 - weightAbove, false);
  const top = Math.max(above, below);
  return top === -Infinity ? -Infinity : core + top + Math.log(Math.exp(above - top) + Math.exp(below - top));
}

/**
 * log Bayes factor of the Beta mixture against the point null θ = θ₀ (Lindon & Malek 2022, research §1.3):
 * log BF = log marginal − x log θ₀ − y log(1 − θ₀). A nonnegative martingale under the null, so
 * p = min(1, 1/BF) is anytime-valid.
 */
export function betaMixtureLogBF(x: number, y: number, theta0: number, prior: BetaPrior): number {
  return betaMixtureLogMarginal(x, y, prior) - x * Math.log(theta0) - y * Math.log1p(-theta0);
}

/**
 * Confidence sequence for θ from the same mixture (savvi `calculate_conf_int`): the θ₀ the test does not reject,
 * { θ₀ : x log θ₀ + y log(1 − θ₀) > log marginal + log α }, an interval because the left side is concave.
 * Takes the log marginal of `betaMixtureLogMarginal`, which the caller usually needs too. Solved on the log-odds
 * scale so tiny shares keep their relative precision.
 */
export function betaMixtureInterval(x: number, y: number, logMarginal: number, alpha: number): { lower: number; upper: number } {
  const level = logMarginal + Math.log(alpha);
  // x log θ + y log(1 − θ) at θ = 1/(1 + e^-u), minus the level; rises to its top at u = log(x/y), then falls.
  const excess = (u: number): number => -x * softplus(-u) - y * softplus(u) - level;
  const top = x === 0 ? -Infinity : y === 0 ? Infinity : Math.log(x / y);
  const lower = x === 0 ? 0 : logistic(edge(excess, top, -1));
  const upper = y === 0 ? 1 : logistic(edge(excess, top, 1));
  return { lower, upper };
}

/** The root of `excess` on one side of its top: from a point inside, walk out by doubling steps, then bisect. */
function edge(excess: (u: number) => number, top: number, step: -1 | 1): number {
  let inside = Number.isFinite(top) ? top : 0;
  // With no events on one side the top is at ±∞: walk toward it until inside the set.
  for (let width = 1; excess(inside) <= 0 && width < 1e6; width *= 2) inside = Math.sign(top) * width;
  let outside = inside + step;
  for (let width = 2; excess(outside) > 0 && width < 1e6; width *= 2) {
    inside = outside;
    outside = inside + step * width;
  }
  return findRoot(excess, inside, outside, { tolerance: 1e-12 * (1 + Math.abs(inside)) });
}

function softplus(u: number): number {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

function logistic(u: number): number {
  return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
}
