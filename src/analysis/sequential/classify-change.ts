import type { Direction, EffectInterval } from "../types.js";
import type { Bounds } from "./baseline-bounds.js";

/**
 * DESIGN.md "Check results": a regression needs the interval to exclude no change in the bad direction and
 * the estimate beyond the tolerance (significance and size, as Kayenta also asks).
 */
export function isRegression(direction: Direction, tolerance: number, change: EffectInterval): boolean {
  const up = direction !== "decrease" && change.lower > 0 && change.estimate > tolerance;
  const down = direction !== "increase" && change.upper < 0 && change.estimate < -tolerance;
  return up || down;
}

/** The interval lies inside the tolerated band; only the bad side(s) of the band are bounded. */
export function isWithinTolerance(direction: Direction, tolerance: number, change: { lower: number; upper: number }): boolean {
  return (direction === "decrease" || change.upper <= tolerance) && (direction === "increase" || change.lower >= -tolerance);
}

/**
 * `pass` against a fixed baseline, whose own uncertainty never shrinks (and is relatively unbounded with no
 * events): the canary's sequence lies inside the band drawn around the baseline's confidence bound on each
 * bad side, at most (1 + tolerance) × its upper bound, at least (1 − tolerance) × its lower bound.
 */
export function isWithinBaselineBand(params: { direction: Direction; tolerance: number }, baseline: Bounds, canary: Bounds): boolean {
  const belowCeiling = params.direction === "decrease" || canary.upper <= (1 + params.tolerance) * baseline.upper;
  const aboveFloor = params.direction === "increase" || canary.lower >= (1 - params.tolerance) * baseline.lower;
  return belowCeiling && aboveFloor;
}

/** "+12.3%", "−4.0%", "+∞". */
export function formatPercent(change: number): string {
  if (!Number.isFinite(change)) return change > 0 ? "+∞" : "−∞";
  const text = `${Math.abs(change * 100).toFixed(Math.abs(change) < 0.1 ? 1 : 0)}%`;
  return change < 0 ? `−${text}` : `+${text}`;
}

/** "5%": a tolerance as people write it. */
export function formatTolerance(tolerance: number): string {
  return `${+(tolerance * 100).toPrecision(4)}%`;
}

/** "95% anytime interval −3.9% to +1.6%". */
export function formatInterval(alpha: number, change: { lower: number; upper: number }): string {
  const level = `${+((1 - alpha) * 100).toPrecision(4)}%`;
  return `${level} anytime interval ${formatPercent(change.lower)} to ${formatPercent(change.upper)}`;
}

/** Checks what every kernel is built with, so a wrong call fails at init and not at a later poll. */
export function checkParams(params: { direction: Direction; tolerance: number; alpha: number }): void {
  if (!["increase", "decrease", "either"].includes(params.direction)) throw new RangeError(`direction must be increase, decrease or either, got ${params.direction}`);
  if (!(params.tolerance >= 0 && Number.isFinite(params.tolerance))) throw new RangeError(`tolerance must be finite and ≥ 0, got ${params.tolerance}`);
  if (!(params.alpha > 0 && params.alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${params.alpha}`);
}
