import type { Direction, EffectInterval, TestOutcome } from "../types.js";

/** What every anytime-valid kernel is built with; fixed for the life of a rollout and kept in its state. */
export interface SequentialParams {
  direction: Direction;
  /** Change tolerated, relative (0.05 = 5%) unless the kernel says otherwise. */
  tolerance: number;
  /** Bound on the probability of a false `fail` over every look, however many (the caller splits a gate's budget). */
  alpha: number;
}

/** A kernel's answer at one evaluation. */
export interface SequentialJudgement {
  result: TestOutcome;
  /** Anytime-valid p-value against "no change" in the bad direction: the running minimum over every look. */
  pValue: number;
  /** Running maximum e-value (1 / pValue for kernels that combine a baseline bound and a canary sequence). */
  eValue: number;
  /** The change, canary vs baseline, with the running intersection of the confidence sequence. */
  interval: EffectInterval;
  /** One sentence a person understands. */
  summary: string;
}

/** A Prometheus histogram: cumulative counts per upper bound `le`, ascending, the last bound +Infinity. */
export interface HistogramCounts {
  le: readonly number[];
  counts: readonly number[];
}

/** Smallest p-value a kernel reports; keeps 1/p finite and the state JSON-safe. */
export const MIN_P = 1e-300;

/** JSON-safe e-value from a log e-value (JSON has no Infinity). */
export function eValueOf(logE: number): number {
  return Math.min(Math.exp(logE), Number.MAX_VALUE);
}
