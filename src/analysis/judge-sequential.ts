import type { MetricCheck } from "./check-schema.js";
import { initConcurrentRate, judgeConcurrentRate, updateConcurrentRate, type ConcurrentRateState } from "./sequential/concurrent-rate.js";
import { initSequentialDistribution, judgeSequentialDistribution, updateSequentialDistribution, type SequentialDistributionState } from "./sequential/sequential-distribution.js";
import { initSequentialMean, judgeSequentialMean, updateSequentialMean, type SequentialMeanState } from "./sequential/sequential-mean.js";
import { initSequentialQuantile, judgeSequentialQuantile, updateSequentialQuantile, type SequentialQuantileState } from "./sequential/sequential-quantile.js";
import { initSequentialRate, judgeSequentialRate, updateSequentialRate, type SequentialRateState } from "./sequential/sequential-rate.js";
import type { HistogramCounts, SequentialJudgement } from "./sequential/types.js";
import type { CountTotals } from "./types.js";

/** A sequential check's memory between evaluations, stored with the rollout. */
export interface CheckState {
  test: string;
  /** Unix seconds of the newest canary step already consumed; the next evaluation reads only later steps. */
  lastTimestamp: number;
  state: SequentialMeanState | SequentialRateState | ConcurrentRateState | SequentialQuantileState | SequentialDistributionState;
}

/** The new data of one evaluation; `baseline` is needed only when there is no state yet. */
export type SequentialInput =
  | { kind: "series"; baseline: number[] | null; canary: number[] }
  | { kind: "counts"; baseline: CountTotals | null; canary: CountTotals[] }
  | { kind: "counts-concurrent"; canary: Array<{ canary: number; baseline: number }> }
  | { kind: "histogram"; baseline: HistogramCounts | null; canary: HistogramCounts[] };

export class MissingBaseline extends Error {
  override readonly name = "MissingBaseline";
}

/**
 * Advances an anytime-valid check by the new data and judges it. The state carries the running
 * p-value and the intersected confidence sequence, so a result never goes back from `fail` and an
 * evaluation costs only its new points.
 */
export function advanceSequential(
  check: MetricCheck,
  alpha: number,
  prior: CheckState | null,
  input: SequentialInput,
  lastTimestamp: number,
): { judgement: SequentialJudgement; state: CheckState } {
  const params = { direction: check.direction, tolerance: check.tolerance, alpha };
  const usable = prior && prior.test === check.test ? prior.state : null;
  const keep = (state: CheckState["state"], judgement: SequentialJudgement) => ({
    judgement,
    state: { test: check.test, lastTimestamp: Math.max(lastTimestamp, prior?.lastTimestamp ?? -Infinity), state },
  });
  switch (input.kind) {
    case "series": {
      const start = (usable as SequentialMeanState | null) ?? initSequentialMean(params, requireBaseline(input.baseline));
      const state = updateSequentialMean(start, input.canary);
      return keep(state, judgeSequentialMean(state));
    }
    case "counts": {
      const start = (usable as SequentialRateState | null) ?? initSequentialRate(params, requireBaseline(input.baseline));
      const state = updateSequentialRate(start, input.canary);
      return keep(state, judgeSequentialRate(state));
    }
    case "counts-concurrent": {
      const canaryShare = check.baseline.canaryShare ?? 0.5;
      const start = (usable as ConcurrentRateState | null) ?? initConcurrentRate({ ...params, canaryShare });
      const state = updateConcurrentRate(start, input.canary);
      return keep(state, judgeConcurrentRate(state));
    }
    case "histogram": {
      if (check.kind !== "histogram") throw new TypeError(`check ${check.name} is not a histogram check`);
      if (check.test === "sequential-quantile") {
        const start = (usable as SequentialQuantileState | null) ?? initSequentialQuantile({ ...params, quantile: check.quantile }, requireBaseline(input.baseline));
        const state = updateSequentialQuantile(start, input.canary);
        return keep(state, judgeSequentialQuantile(state));
      }
      const start = (usable as SequentialDistributionState | null) ?? initSequentialDistribution(params, requireBaseline(input.baseline));
      const state = updateSequentialDistribution(start, input.canary);
      return keep(state, judgeSequentialDistribution(state));
    }
  }
}

function requireBaseline<T>(baseline: T | null): T {
  if (baseline === null) throw new MissingBaseline("the first evaluation of a sequential check needs its baseline");
  return baseline;
}
