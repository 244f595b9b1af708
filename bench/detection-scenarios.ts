import { MetricCheck } from "../src/analysis/check-schema.js";
import { advanceSequential, type CheckState, type SequentialInput } from "../src/analysis/judge-sequential.js";
import { classifyKayenta } from "../src/analysis/kayenta/classify-metric.js";
import { initSequentialMean, updateSequentialMean, type SequentialMeanParams } from "../src/analysis/sequential/sequential-mean.js";
import { initSequentialRate, updateSequentialRate } from "../src/analysis/sequential/sequential-rate.js";
import { initSequentialQuantile, updateSequentialQuantile } from "../src/analysis/sequential/sequential-quantile.js";
import type { HistogramCounts } from "../src/analysis/sequential/types.js";
import { mannWhitneyU } from "../src/analysis/stats/mann-whitney.js";
import { normalCdf } from "../src/analysis/stats/normal.js";
import type { CountTotals } from "../src/analysis/types.js";

// Simulated rollouts for bench/detection.ts: data generators, the methods compared, and one rollout's run.
// Pure apart from the seeded generator, so a worker thread can run any slice of any scenario and get the
// same numbers as the main thread.

/** α of every method: a one-check gate at the default confidence 0.95 (no Bonferroni split with one check). */
export const ALPHA = 0.05;

// ---------------------------------------------------------------------------------------------------------
// Seeded generator (mulberry32) and samplers

export { mulberry32, type Random } from "../test/analysis/sequential/prng.js";
import { mulberry32, type Random } from "../test/analysis/sequential/prng.js";

/** A rollout's seed from the run's seed, the scenario and the rollout index (splitmix-style mixing). */
export function rolloutSeed(seed: number, scenario: number, rollout: number): number {
  let h = (seed ^ Math.imul(scenario + 1, 0x9e3779b1) ^ Math.imul(rollout + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios

export interface Timing {
  /** Set on side-experiment scenarios (a variant of a main scenario, measured to show what a change would do). */
  side?: string;
  /** The main scenario a side scenario varies. */
  variantOf?: string;
  /** Pre-deployment baseline window, minutes. */
  baselineMinutes: number;
  /** The rollout is polled once a minute at minutes 1..lifetimeMinutes; each poll brings that minute's data. */
  lifetimeMinutes: number;
}

export interface SeriesScenario extends Timing {
  kind: "series";
  id: string;
  label: string;
  /** Points per minute (one aggregate per canary instance per minute). */
  pointsPerMinute: number;
  /** Typical value of one point (ms). */
  level: number;
  /** Log-normal per-point noise σ (on the log scale). */
  sigma: number;
  /** Relative change of the canary's mean (0.1 = +10%): every canary point is multiplied by 1 + shift. */
  shift: number;
  tolerance: number;
  /** A halt is a false alarm (A/A or a change inside the tolerance). */
  isNull: boolean;
}

export interface CountsScenario extends Timing {
  kind: "counts";
  id: string;
  label: string;
  requestsPerMinute: number;
  /** Baseline errors per minute (Poisson mean); the canary gets the same traffic. */
  baselineErrorsPerMinute: number;
  /** Canary error rate / baseline error rate. */
  ratio: number;
  tolerance: number;
  isNull: boolean;
}

export interface HistogramScenario extends Timing {
  kind: "histogram";
  id: string;
  label: string;
  requestsPerMinute: number;
  /** Log-normal request latency: median (s) and σ. */
  median: number;
  sigma: number;
  /** Share of canary requests made `slowFactor` times slower (the tail-only regression); 0 for A/A. */
  slowShare: number;
  slowFactor: number;
  /** Finite bucket bounds (s); +Inf is added. */
  le: number[];
  tolerance: number;
  isNull: boolean;
}

export type Scenario = SeriesScenario | CountsScenario | HistogramScenario;

/** Bucket bounds of the histogram scenarios: a service's own layout, finer than Prometheus' defaults near p99. */
export const HISTOGRAM_LE = [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5];

export function buildScenarios(): Scenario[] {
  const series: SeriesScenario[] = [];
  const seriesTiming = { baselineMinutes: 30, lifetimeMinutes: 60 };
  for (const sigma of [0.05, 0.2]) {
    for (const shift of [0, 0.02, 0.1, 0.2]) {
      const what = shift === 0 ? "A/A" : `+${Math.round(shift * 100)}% mean`;
      series.push({
        kind: "series",
        id: `series-${shift === 0 ? "aa" : `plus${Math.round(shift * 100)}`}-sigma${Math.round(sigma * 100)}`,
        label: `series ${what}, noise σ=${Math.round(sigma * 100)}%`,
        pointsPerMinute: 3,
        level: 100,
        sigma,
        shift,
        tolerance: 0.05,
        isNull: shift <= 0.05,
        ...seriesTiming,
      });
    }
  }
  // The same A/A polled for twice as long: the anytime guarantee does not depend on the number of polls.
  series.push({ ...(series.find((s) => s.id === "series-aa-sigma20") as SeriesScenario), id: "series-aa-sigma20-120min", label: "series A/A, noise σ=20%, 120 polls", lifetimeMinutes: 120 });

  // Side experiments: the +10% σ=20% rollout with a longer baseline window (a check setting, `baseline.window`)
  // or more instances (points per minute); the kernel is unchanged.
  const plus10 = series.find((s) => s.id === "series-plus10-sigma20") as SeriesScenario;
  const seriesSide: SeriesScenario[] = [
    { ...plus10, id: "side-series-plus10-sigma20-baseline60", baselineMinutes: 60, side: "baseline window 60 min (default 30)", variantOf: plus10.id },
    { ...plus10, id: "side-series-plus10-sigma20-baseline120", baselineMinutes: 120, side: "baseline window 120 min (default 30)", variantOf: plus10.id },
    { ...plus10, id: "side-series-plus10-sigma20-6perMin", pointsPerMinute: 6, side: "6 instances: 6 points/min (default 3)", variantOf: plus10.id },
  ];

  const counts: CountsScenario[] = [];
  for (const rate of [1, 10]) {
    for (const ratio of [1, 2, 3]) {
      counts.push({
        kind: "counts",
        id: `counts-${ratio === 1 ? "aa" : `${ratio}x`}-${rate}perMin`,
        label: `counts ${ratio === 1 ? "A/A" : `${ratio}x errors`}, ${rate} baseline err/min`,
        requestsPerMinute: 2000,
        baselineErrorsPerMinute: rate,
        ratio,
        tolerance: 0.5,
        isNull: ratio <= 1.5,
        baselineMinutes: 30,
        lifetimeMinutes: 60,
      });
    }
  }

  const histogramBase = { kind: "histogram" as const, requestsPerMinute: 1000, median: 0.1, sigma: 0.5, slowFactor: 2.5, le: HISTOGRAM_LE, tolerance: 0.05, baselineMinutes: 30, lifetimeMinutes: 60 };
  const histogram: HistogramScenario[] = [
    { ...histogramBase, id: "histogram-aa", label: "histogram A/A", slowShare: 0, isNull: true },
    { ...histogramBase, id: "histogram-tail", label: "histogram tail: 3% of requests 2.5x slower", slowShare: 0.03, isNull: false },
  ];
  // Side experiments: the 1 error/min spikes with a longer baseline window (its bound limits the count test).
  const countsSide: CountsScenario[] = [];
  for (const id of ["counts-2x-1perMin", "counts-3x-1perMin"]) {
    const main = counts.find((c) => c.id === id) as CountsScenario;
    for (const minutes of [60, 120]) countsSide.push({ ...main, id: `side-${id}-baseline${minutes}`, baselineMinutes: minutes, side: `baseline window ${minutes} min (default 30)`, variantOf: id });
  }
  return [...series, ...counts, ...histogram, ...seriesSide, ...countsSide];
}

// ---------------------------------------------------------------------------------------------------------
// One rollout's data, minute by minute

interface SeriesData {
  kind: "series";
  baseline: number[];
  /** canary[m] = the points of minute m + 1. */
  canary: number[][];
}

interface CountsData {
  kind: "counts";
  baselineMinutes: CountTotals[];
  canary: CountTotals[];
}

interface HistogramData {
  kind: "histogram";
  /** Per-minute cumulative histograms (le with +Inf). */
  baselineMinutes: HistogramCounts[];
  canary: HistogramCounts[];
}

type RolloutData = SeriesData | CountsData | HistogramData;

function seriesData(s: SeriesScenario, random: Random): SeriesData {
  const point = (scale: number): number => scale * Math.exp(s.sigma * random.normal());
  const baseline = Array.from({ length: s.baselineMinutes * s.pointsPerMinute }, () => point(s.level));
  const canary = Array.from({ length: s.lifetimeMinutes }, () => Array.from({ length: s.pointsPerMinute }, () => point(s.level * (1 + s.shift))));
  return { kind: "series", baseline, canary };
}

function countsData(s: CountsScenario, random: Random): CountsData {
  const minute = (mean: number): CountTotals => ({ errors: random.poisson(mean), total: s.requestsPerMinute });
  return {
    kind: "counts",
    baselineMinutes: Array.from({ length: s.baselineMinutes }, () => minute(s.baselineErrorsPerMinute)),
    canary: Array.from({ length: s.lifetimeMinutes }, () => minute(s.baselineErrorsPerMinute * s.ratio)),
  };
}

/** P(latency ≤ le) for each finite bound: log-normal, with a share `slowShare` scaled by `slowFactor`. */
export function bucketCdf(s: HistogramScenario, slowShare: number): number[] {
  const lognormalCdf = (x: number): number => normalCdf(Math.log(x / s.median) / s.sigma);
  return s.le.map((x) => (1 - slowShare) * lognormalCdf(x) + slowShare * lognormalCdf(x / s.slowFactor));
}

function histogramMinute(s: HistogramScenario, cdf: readonly number[], random: Random): HistogramCounts {
  const counts = new Array<number>(cdf.length + 1).fill(0);
  for (let r = 0; r < s.requestsPerMinute; r++) {
    const u = random.uniform();
    let lo = 0;
    let hi = cdf.length; // first bucket whose cdf ≥ u; cdf.length is +Inf
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) >= u) hi = mid;
      else lo = mid + 1;
    }
    counts[lo] = (counts[lo] as number) + 1;
  }
  for (let i = 1; i < counts.length; i++) counts[i] = (counts[i] as number) + (counts[i - 1] as number);
  return { le: [...s.le, Infinity], counts };
}

function histogramData(s: HistogramScenario, random: Random): HistogramData {
  const base = bucketCdf(s, 0);
  const canaryCdf = bucketCdf(s, s.slowShare);
  return {
    kind: "histogram",
    baselineMinutes: Array.from({ length: s.baselineMinutes }, () => histogramMinute(s, base, random)),
    canary: Array.from({ length: s.lifetimeMinutes }, () => histogramMinute(s, canaryCdf, random)),
  };
}

function rolloutData(s: Scenario, random: Random): RolloutData {
  if (s.kind === "series") return seriesData(s, random);
  if (s.kind === "counts") return countsData(s, random);
  return histogramData(s, random);
}

function sumCounts(minutes: readonly CountTotals[]): CountTotals {
  return minutes.reduce((sum, m) => ({ errors: sum.errors + m.errors, total: sum.total + m.total }), { errors: 0, total: 0 });
}

function sumHistograms(minutes: readonly HistogramCounts[]): HistogramCounts {
  const first = minutes[0] as HistogramCounts;
  const counts = first.le.map((_, i) => minutes.reduce((sum, m) => sum + (m.counts[i] as number), 0));
  return { le: [...first.le], counts };
}

/**
 * Prometheus histogram_quantile on one histogram: the bucket holding rank q·total, linear interpolation inside
 * it (from 0 for the first bucket); the largest finite bound when the rank falls in +Inf; NaN with no requests.
 */
export function histogramQuantile(q: number, h: HistogramCounts): number {
  const n = h.counts.length;
  const total = h.counts[n - 1] as number;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let b = 0;
  while (b < n - 1 && (h.counts[b] as number) < rank) b++;
  if (b === n - 1) return h.le[n - 2] as number;
  const start = b === 0 ? 0 : (h.le[b - 1] as number);
  const before = b === 0 ? 0 : (h.counts[b - 1] as number);
  const inBucket = (h.counts[b] as number) - before;
  return start + ((h.le[b] as number) - start) * ((rank - before) / inBucket);
}

/** The per-minute series a Kayenta user would configure for a counts or histogram check. */
function perMinuteValue(kind: "counts" | "histogram", minute: CountTotals | HistogramCounts): number {
  if (kind === "counts") {
    const m = minute as CountTotals;
    return m.total > 0 ? m.errors / m.total : Number.NaN;
  }
  return histogramQuantile(0.99, minute as HistogramCounts);
}

// ---------------------------------------------------------------------------------------------------------
// Methods

/** A method watching one rollout: started with the baseline, then told each poll's new data; true = halt. */
interface Watcher {
  poll(minute: number): boolean;
}

export type MethodId = "ours" | "ours-distribution" | "mann-whitney" | "kayenta" | `tuning:${string}`;

export interface MethodInfo {
  id: MethodId;
  label: string;
}

/** A side experiment: a kernel called directly with non-default tuning, to measure what a change would do. */
export interface Tuning {
  id: string;
  label: string;
  applies: (s: Scenario) => boolean;
  mean?: Partial<SequentialMeanParams>;
  ratePhi?: number;
  quantilePhi?: number;
}

/** The scenarios each family of tunings is measured on: the misses' scenarios and the nulls nearest to failing. */
export const TUNING_SCENARIOS = {
  series: ["series-plus2-sigma5", "series-aa-sigma20", "series-plus10-sigma5", "series-plus10-sigma20"],
  counts: ["counts-aa-1perMin", "counts-3x-1perMin", "counts-aa-10perMin", "counts-2x-10perMin"],
} as const;
const on = (family: keyof typeof TUNING_SCENARIOS) => (s: Scenario): boolean => (TUNING_SCENARIOS[family] as readonly string[]).includes(s.id);

export const TUNINGS: Tuning[] = [
  { id: "mean-burnin5", label: "sequential-mean, minCanaryPoints 5", applies: on("series"), mean: { minCanaryPoints: 5 } },
  { id: "mean-burnin5-tuning10", label: "sequential-mean, minCanaryPoints 5, tuningPoints 10", applies: on("series"), mean: { minCanaryPoints: 5, tuningPoints: 10 } },
  { id: "mean-tuning30", label: "sequential-mean, tuningPoints 30", applies: on("series"), mean: { tuningPoints: 30 } },
  { id: "mean-tuning180", label: "sequential-mean, tuningPoints 180", applies: on("series"), mean: { tuningPoints: 180 } },
  { id: "rate-phi1", label: "sequential-rate, φ 1", applies: on("counts"), ratePhi: 1 },
  { id: "rate-phi3", label: "sequential-rate, φ 3", applies: on("counts"), ratePhi: 3 },
  { id: "rate-phi30", label: "sequential-rate, φ 30", applies: on("counts"), ratePhi: 30 },
];

/** Methods run on a scenario: ours through the service's entry point, the two re-run fixed-horizon tests, tunings. */
export function methodsFor(s: Scenario, tunings: readonly Tuning[]): MethodInfo[] {
  const ours: MethodInfo[] =
    s.kind === "series"
      ? [{ id: "ours", label: "sequential-mean" }]
      : s.kind === "counts"
        ? [{ id: "ours", label: "sequential-rate" }]
        : [
            { id: "ours", label: "sequential-quantile (p99)" },
            { id: "ours-distribution", label: "sequential-distribution" },
          ];
  const fixed: MethodInfo[] = [
    { id: "mann-whitney", label: "Mann-Whitney re-run every poll" },
    { id: "kayenta", label: "Kayenta classifier re-run every poll" },
  ];
  const side = tunings.filter((t) => t.applies(s)).map((t): MethodInfo => ({ id: `tuning:${t.id}`, label: t.label }));
  return [...ours, ...fixed, ...side];
}

function checkFor(s: Scenario, distribution: boolean): MetricCheck {
  const common = { name: "x", type: "metric", source: "s", tolerance: s.tolerance };
  if (s.kind === "series") return MetricCheck.parse({ ...common, kind: "series", query: "q" });
  if (s.kind === "counts") return MetricCheck.parse({ ...common, kind: "counts", errors: "e", total: "t" });
  return MetricCheck.parse({ ...common, kind: "histogram", query: "q", ...(distribution ? { test: "sequential-distribution" } : {}) });
}

/** Ours: `advanceSequential` exactly as the service calls it, the baseline on the first poll only. */
function sequentialWatcher(check: MetricCheck, data: RolloutData): Watcher {
  let state: CheckState | null = null;
  return {
    poll(minute) {
      const first = state === null;
      const i = minute - 1;
      let input: SequentialInput;
      if (data.kind === "series") input = { kind: "series", baseline: first ? data.baseline : null, canary: data.canary[i] as number[] };
      else if (data.kind === "counts") input = { kind: "counts", baseline: first ? sumCounts(data.baselineMinutes) : null, canary: [data.canary[i] as CountTotals] };
      else input = { kind: "histogram", baseline: first ? sumHistograms(data.baselineMinutes) : null, canary: [data.canary[i] as HistogramCounts] };
      const result = advanceSequential(check, ALPHA, state, input, minute * 60);
      state = result.state;
      return result.judgement.result === "fail";
    },
  };
}

/** A fixed-horizon test re-run at every poll on all data so far (the per-minute series for counts/histograms). */
function rerunWatcher(data: RolloutData, halts: (canary: number[], baseline: number[]) => boolean): Watcher {
  const baseline = data.kind === "series" ? data.baseline : data.baselineMinutes.map((m) => perMinuteValue(data.kind, m)).filter(Number.isFinite);
  const canary: number[] = [];
  return {
    poll(minute) {
      const i = minute - 1;
      if (data.kind === "series") canary.push(...(data.canary[i] as number[]));
      else {
        const value = perMinuteValue(data.kind, data.canary[i] as CountTotals | HistogramCounts);
        if (Number.isFinite(value)) canary.push(value);
      }
      return canary.length > 0 && baseline.length > 0 && halts(canary, baseline);
    },
  };
}

const mannWhitneyHalts = (canary: number[], baseline: number[]): boolean => mannWhitneyU(canary, baseline, "greater").pValue < ALPHA;
const kayentaHalts = (canary: number[], baseline: number[]): boolean => classifyKayenta(baseline, canary, { direction: "increase" }).classification === "High";

/** A side-experiment kernel with non-default tuning; the same fail latch as the judge (state.failed). */
function tuningWatcher(t: Tuning, s: Scenario, data: RolloutData): Watcher {
  const params = { direction: "increase" as const, tolerance: s.tolerance, alpha: ALPHA };
  if (data.kind === "series") {
    let state = initSequentialMean({ ...params, ...t.mean }, data.baseline);
    return { poll: (minute) => (state = updateSequentialMean(state, data.canary[minute - 1] as number[])).failed };
  }
  if (data.kind === "counts") {
    let state = initSequentialRate({ ...params, ...(t.ratePhi === undefined ? {} : { phi: t.ratePhi }) }, sumCounts(data.baselineMinutes));
    return { poll: (minute) => (state = updateSequentialRate(state, [data.canary[minute - 1] as CountTotals])).failed };
  }
  let state = initSequentialQuantile({ ...params, quantile: 0.99, ...(t.quantilePhi === undefined ? {} : { phi: t.quantilePhi }) }, sumHistograms(data.baselineMinutes));
  return { poll: (minute) => (state = updateSequentialQuantile(state, [data.canary[minute - 1] as HistogramCounts])).failed };
}

// ---------------------------------------------------------------------------------------------------------
// Running rollouts

/** Per method: the minute of the first halting poll of each rollout, or 0 when it never halted. */
export type SliceResult = Record<string, number[]>;

/** Simulates rollouts [from, to) of scenario `index`, every method on the same data (common random numbers). */
export function simulateSlice(index: number, from: number, to: number, seed: number, tuningIds: readonly string[]): SliceResult {
  const scenario = buildScenarios()[index] as Scenario;
  const tunings = TUNINGS.filter((t) => tuningIds.includes(t.id));
  const methods = methodsFor(scenario, tunings);
  const checks = { ours: checkFor(scenario, false), distribution: checkFor(scenario, true) };
  const result: SliceResult = Object.fromEntries(methods.map((m) => [m.id, [] as number[]]));
  for (let r = from; r < to; r++) {
    const data = rolloutData(scenario, mulberry32(rolloutSeed(seed, index, r)));
    const watchers = methods.map((m): Watcher => {
      if (m.id === "ours") return sequentialWatcher(checks.ours, data);
      if (m.id === "ours-distribution") return sequentialWatcher(checks.distribution, data);
      if (m.id === "mann-whitney") return rerunWatcher(data, mannWhitneyHalts);
      if (m.id === "kayenta") return rerunWatcher(data, kayentaHalts);
      return tuningWatcher(tunings.find((t) => `tuning:${t.id}` === m.id) as Tuning, scenario, data);
    });
    methods.forEach((m, k) => {
      const watcher = watchers[k] as Watcher;
      let halted = 0;
      for (let minute = 1; minute <= scenario.lifetimeMinutes && halted === 0; minute++) if (watcher.poll(minute)) halted = minute;
      (result[m.id] as number[]).push(halted);
    });
  }
  return result;
}
