import { binomialTest } from "./binomial-test.js";
import { InsufficientData } from "./insufficient-data.js";
import type { Alternative } from "./mann-whitney.js";

/** Events seen over an exposure (requests, seconds) on one side. */
export interface EventCount {
  events: number;
  exposure: number;
}

export interface RateRatioResult {
  /** (canary events / exposure) / (baseline events / exposure); NaN when neither side has events. */
  estimate: number;
  lower: number;
  upper: number;
  pValue: number;
}

/**
 * Poisson rate ratio canary/baseline with the exact conditional test: given n = x₁ + x₂ events, x₁ is
 * Binomial(n, t₁/(t₁ + t₂)) when the rates are equal, so the Clopper-Pearson interval for that proportion
 * maps to the ratio as p/(1 − p)·t₂/t₁. Equals R's `poisson.test(c(x₁, x₂), c(t₁, t₂), alternative, conf.level)`.
 * With no events on either side the ratio is NaN, the interval [0, ∞) and the p-value 1, as in R.
 * "greater" means the canary's rate is higher. Throws InsufficientData when an exposure is 0.
 */
export function rateRatio(canary: EventCount, baseline: EventCount, opts: { confidence: number; alternative: Alternative }): RateRatioResult {
  for (const side of [canary, baseline]) {
    if (!(Number.isInteger(side.events) && side.events >= 0)) throw new RangeError(`events must be a whole number ≥ 0, got ${side.events}`);
    if (!(side.exposure >= 0 && Number.isFinite(side.exposure))) throw new RangeError(`exposure must be finite and ≥ 0, got ${side.exposure}`);
    if (side.exposure === 0) throw new InsufficientData("a rate needs a positive exposure on both sides");
  }
  const n = canary.events + baseline.events;
  if (n === 0) return { estimate: Number.NaN, lower: 0, upper: Infinity, pValue: 1 };
  const share = canary.exposure / (canary.exposure + baseline.exposure);
  const test = binomialTest(canary.events, n, share, opts.alternative, opts.confidence);
  const toRatio = (p: number): number => (p / (1 - p)) * (baseline.exposure / canary.exposure);
  const estimate = canary.events / canary.exposure / (baseline.events / baseline.exposure);
  return { estimate, lower: toRatio(test.lower), upper: toRatio(test.upper), pValue: test.pValue };
}
