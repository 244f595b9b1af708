import { checkParams, formatTolerance, isRegression } from "./classify-change.js";
import { dkwEpsilon, dkwLilEpsilon } from "./dkw-band.js";
import { smallestFiringAlpha } from "./find-root.js";
import { checkSameBounds, readHistogram } from "./read-histogram.js";
import { MIN_P, eValueOf, type HistogramCounts, type SequentialJudgement, type SequentialParams } from "./types.js";

// Method: one-sided Kolmogorov-Smirnov comparison of bucket CDFs with time-uniform bands (research §1.2, the
// stochastic-order test of Howard & Ramdas 2022 that Netflix ships): the fixed baseline gets the fixed-sample
// DKW band (Massart's constant) at α/2, the accruing canary the time-uniform DKW band εₜ at α/2; both hold at
// every bound and every look with probability ≥ 1 − α. The effect is the largest CDF gap over the bucket bounds,
// D⁺ = maxₓ F_base(x) − F_canary(x): the share of requests that moved to slower buckets, so a regression in the
// tail alone shows. `tolerance` is that share, absolute (0.05 = 5 percentage points), not a relative change.

export type SequentialDistributionParams = SequentialParams;

interface Cumulative {
  cumulative: number[];
  total: number;
}

/** Running intersection of the confidence sequence for one CDF gap. */
interface GapInterval {
  lower: number;
  upper: number;
}

export interface SequentialDistributionState {
  params: SequentialDistributionParams;
  bounds: number[];
  baseline: Cumulative;
  canary: Cumulative;
  /** D⁺, canary slower (stochastically larger), and D⁻, canary faster. */
  slower: GapInterval;
  faster: GapInterval;
  pValue: number;
  failed: boolean;
}

export function initSequentialDistribution(params: SequentialDistributionParams, baseline: HistogramCounts): SequentialDistributionState {
  checkParams(params);
  if (params.tolerance > 1) throw new RangeError(`tolerance is a share of requests here, at most 1, got ${params.tolerance}`);
  const { bounds, cumulative, total } = readHistogram(baseline);
  return {
    params: { ...params },
    bounds,
    baseline: { cumulative, total },
    canary: { cumulative: bounds.map(() => 0), total: 0 },
    slower: { lower: 0, upper: 1 },
    faster: { lower: 0, upper: 1 },
    pValue: 1,
    failed: false,
  };
}

/** Adds the canary's per-step histogram increments in time order; every step is a look. */
export function updateSequentialDistribution(state: SequentialDistributionState, steps: readonly HistogramCounts[]): SequentialDistributionState {
  const next = structuredClone(state);
  for (const histogram of steps) {
    const step = readHistogram(histogram);
    checkSameBounds(next.bounds, step);
    step.cumulative.forEach((count, i) => (next.canary.cumulative[i] = (next.canary.cumulative[i] as number) + count));
    next.canary.total += step.total;
    if (next.canary.total >= 1 && next.baseline.total > 0) look(next);
  }
  return next;
}

export function judgeSequentialDistribution(state: SequentialDistributionState): SequentialJudgement {
  const { params, baseline, canary } = state;
  const gaps = cdfGaps(state);
  const isFaster = params.direction === "decrease" || (params.direction === "either" && gaps.faster.value > gaps.slower.value);
  const gap = isFaster ? gaps.faster : gaps.slower;
  const running = isFaster ? state.faster : state.slower;
  const interval = { estimate: gap.value, lower: running.lower, upper: running.upper };
  const evidence = { pValue: state.pValue, eValue: eValueOf(-Math.log(state.pValue)), interval };
  const level = `${+((1 - params.alpha) * 100).toPrecision(4)}%`;
  const where = gap.at === null ? "" : ` at le=${state.bounds[gap.at]}`;
  const share = (value: number): string => `${(value * 100).toFixed(1)}%`;
  const moved = `${share(gap.value)} of canary requests sit in ${isFaster ? "faster" : "slower"} buckets than the baseline's${where} (${level} anytime interval ${share(interval.lower)} to ${share(interval.upper)}; ${canary.total} canary vs ${baseline.total} baseline requests)`;
  if (state.failed) return { result: "fail", ...evidence, summary: `${capitalize(moved)}, beyond the ${formatTolerance(params.tolerance)} tolerance.` };
  if (baseline.total === 0) return { result: "inconclusive", ...evidence, summary: "The baseline histogram is empty." };
  if (canary.total < 1) return { result: "inconclusive", ...evidence, summary: "Waiting for canary requests." };
  const isSlowerWithin = params.direction === "decrease" || state.slower.upper <= params.tolerance;
  const isFasterWithin = params.direction === "increase" || state.faster.upper <= params.tolerance;
  if (isSlowerWithin && isFasterWithin) return { result: "pass", ...evidence, summary: `Distribution within tolerance: ${moved}.` };
  return { result: "inconclusive", ...evidence, summary: `Not resolved yet: ${moved}.` };
}

/** Half-width of the joint band on a CDF gap after `canaryTotal` requests, at level α split evenly. */
function bandWidth(baselineTotal: number, canaryTotal: number, alpha: number): number {
  return dkwEpsilon(baselineTotal, alpha / 2) + dkwLilEpsilon(canaryTotal, alpha / 2);
}

function look(state: SequentialDistributionState): void {
  const { params, baseline, canary } = state;
  const gaps = cdfGaps(state);
  const width = bandWidth(baseline.total, canary.total, params.alpha);
  for (const [running, gap] of [[state.slower, gaps.slower], [state.faster, gaps.faster]] as const) {
    running.lower = Math.max(running.lower, gap.value - width);
    running.upper = Math.min(running.upper, gap.value + width);
  }
  const worst = params.direction === "increase" ? gaps.slower.value : params.direction === "decrease" ? gaps.faster.value : Math.max(gaps.slower.value, gaps.faster.value);
  const margin = (a: number): number => worst - bandWidth(baseline.total, canary.total, a);
  if (margin(state.pValue) > 0) state.pValue = smallestFiringAlpha(margin, MIN_P, state.pValue);
  const slower = { estimate: gaps.slower.value, ...state.slower };
  const faster = { estimate: gaps.faster.value, ...state.faster };
  const isSlowerRegression = params.direction !== "decrease" && isRegression("increase", params.tolerance, slower);
  const isFasterRegression = params.direction !== "increase" && isRegression("increase", params.tolerance, faster);
  if (isSlowerRegression || isFasterRegression) state.failed = true;
}

/** The largest gaps F_base − F_canary (slower) and F_canary − F_base (faster) over the finite bounds, and where. */
function cdfGaps(state: SequentialDistributionState): Record<"slower" | "faster", { value: number; at: number | null }> {
  const { baseline, canary } = state;
  const slower = { value: 0, at: null as number | null };
  const faster = { value: 0, at: null as number | null };
  if (baseline.total === 0 || canary.total === 0) return { slower, faster };
  state.bounds.forEach((_, i) => {
    const gap = (baseline.cumulative[i] as number) / baseline.total - (canary.cumulative[i] as number) / canary.total;
    if (gap > slower.value) Object.assign(slower, { value: gap, at: i });
    if (-gap > faster.value) Object.assign(faster, { value: -gap, at: i });
  });
  return { slower, faster };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
